// The conservation checks of lib/conservation.ts as chai assertions, for the scenarios and the demo's test.
import { expect } from "chai";

import { conservationChecks } from "../../lib/conservation.js";

export type { Holder, TokenBalances } from "../../lib/conservation.js";

export const { conserved: expectConserved, exchangeSolvent: expectExchangeSolvent } = conservationChecks(
  (actual, expected, message) => expect(actual, message).to.equal(expected),
);
