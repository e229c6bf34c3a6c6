/** A problem the operator can fix (wrong address, a fund without the feature asked for); one line of text. */
export class FundClientError extends Error {
  override name = "FundClientError";
}
