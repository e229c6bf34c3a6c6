import { globalOptions } from "hardhat";

/**
 * False under `hardhat test --coverage` (`npm run coverage`): coverage instruments every statement with a
 * call, so the bytecode under test is not the one that ships and gas budgets do not hold. Gas assertions run
 * only when this is true (`npm test`); the exact figures are checked by `npm run bench:check`.
 */
export const GAS_IS_REAL: boolean = globalOptions.coverage !== true;
