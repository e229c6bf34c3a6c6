// The consumer's check: the suite from the package's Ignition module, the consumer's own exchange registered and
// listed by governance, one trade and one bankrupt liquidation through it.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { network } from "hardhat";
import LocalSeededSuite from "perp-insurance/ignition/modules/LocalSeededSuite.js";

const USDC = 10n ** 6n;
const MARKET_ID = 7n;
const parameters = fileURLToPath(import.meta.resolve("perp-insurance/ignition/parameters/local.json"));

const { ethers, ignition } = await network.create();
const [, governor, , , treasury, , trader, liquidator] = await ethers.getSigners();

const { fund, usdc } = await ignition.deploy(LocalSeededSuite, { parameters });
assert.equal(await fund.fundBalance(), 200_000n * USDC, "the local fund starts seeded at its floor");
const compiled = readdirSync("artifacts", { recursive: true }).map(String);
assert.ok(!compiled.some((file) => file.endsWith("InsuranceFund.json")), "the fund is deployed from the package");

const exchange = await ethers.deployContract("MiniExchange", [await fund.getAddress(), MARKET_ID]);
await (
  await fund.connect(governor).registerMarket(MARKET_ID, {
    exchange: await exchange.getAddress(),
    insuranceLimit: 50_000n * USDC,
    rewardCap: 2n ** 128n - 1n,
    rewardCapBps: 10_000,
    openInterestCap: 10n ** 12n * USDC,
  })
).wait();

// A trade: 1,000,000 USDC of notional paying a 1,000 USDC fee, split between the fund and the treasury.
const fee = 1_000n * USDC;
const notional = 1_000_000n * USDC;
await (await usdc.mint(trader.address, fee)).wait();
await (await usdc.connect(trader).approve(await exchange.getAddress(), fee)).wait();
const balanceBefore = await fund.fundBalance();
const accruedBefore = await fund.treasuryAccrued();
await (await exchange.connect(trader).trade(notional, fee)).wait();
const fundPart = (await fund.fundBalance()) - balanceBefore;
const treasuryPart = (await fund.treasuryAccrued()) - accruedBefore;
assert.equal(fundPart + treasuryPart, fee, "the fee is split between the fund and the treasury, nothing lost");
assert.equal(await fund.totalOpenInterest(), notional, "the open interest is recorded");
assert.equal(await fund.treasury(), treasury.address);

// A bankrupt liquidation: the position was 5,000 USDC short; the liquidator's reward is 100 USDC.
const shortfall = 5_000n * USDC;
const reward = 100n * USDC;
const beforeLiquidation = await fund.fundBalance();
await (await exchange.connect(liquidator).liquidateBankrupt(trader.address, notional, shortfall, reward)).wait();
const cover = await exchange.lastCover();
assert.equal(cover.reward, reward, "the liquidator's reward is recognised in full");
assert.equal(cover.fundReward + cover.fundShortfall, shortfall + reward, "the fund bears the shortfall and the reward");
assert.equal(cover.paidNow, shortfall + reward, "and pays them to the exchange at once (no payout limit)");
assert.equal(cover.pending + cover.socialized + cover.badDebt, 0n);
assert.equal(await usdc.balanceOf(liquidator.address), reward);
assert.equal(await usdc.balanceOf(await exchange.getAddress()), shortfall);
assert.equal(beforeLiquidation - (await fund.fundBalance()), shortfall + reward);
assert.equal(await fund.totalOpenInterest(), 0n);

console.log(
  `consumer check passed: fee split ${fundPart} to the fund, ${treasuryPart} to the treasury; ` +
    `bankruptcy covered ${cover.fundShortfall} + reward ${cover.fundReward}, paid to the exchange ${cover.paidNow}`,
);
