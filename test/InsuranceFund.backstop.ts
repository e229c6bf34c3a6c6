// The fund with a staked backstop behind it (issue 12, SPEC section 1a): the backstop's part B comes after the
// fund's F and before socialization, within what the vault can cover for the market; it joins F's timing (buckets,
// pause, pending claim); the backstop earns its share of the treasury's income at each flush; its part of a
// rejected pending claim returns to it. Expected values come from lib/model/waterfall.ts (waterfallSteps).
import { expect } from "chai";
import { network } from "hardhat";

import { BACKSTOP_TERMS, backstopBehind } from "../lib/backstopFixture.js";
import { deployFund, MARKET_ID, registerMarket, seed, claimFor } from "../lib/fundFixture.js";
import { FeeKind } from "../lib/model/feePolicies.js";
import { coverFromResult, coverTuple, NO_COVER, waterfallSteps } from "../lib/model/waterfall.js";
import { DAY, usdc, wad } from "../lib/units.js";

const { ethers, networkHelpers } = await network.create();

const FUND_LIMIT = usdc(150);
const BACKSTOP_LIMIT = usdc(200);
const STAKED = usdc(10_000);

/** The model's cover of a claim, the backstop covering up to `backstopRoom`, paid within `payoutAvailable`. */
function expectedCover(
  claim: ReturnType<typeof claimFor>,
  room: { fund: bigint; backstop: bigint; payoutAvailable?: bigint; earlierPending?: bigint },
) {
  const steps = waterfallSteps({
    shortfall: claim.shortfall,
    reward: claim.reward,
    fundSpendable: room.fund,
    fundLimitLeft: room.fund,
    backstopSpendable: room.backstop,
    backstopLimitLeft: room.backstop,
    earlierPending: room.earlierPending ?? 0n,
    payoutAvailable: room.payoutAvailable ?? 2n ** 256n - 1n,
  });
  const rest = steps.remainder.reward + steps.remainder.shortfall;
  return {
    ...NO_COVER,
    ...steps.allocation,
    reward: claim.reward,
    paidNow: steps.timing.paidNow,
    pending: steps.timing.pending,
    earlierPendingPaid: steps.timing.earlierPaid,
    socialized: rest,
  };
}

describe("InsuranceFund with a staked backstop", () => {
  async function fundWithBackstop() {
    const suite = await deployFund(ethers);
    await registerMarket(suite, FUND_LIMIT);
    await seed(suite, usdc(10_000));
    const { vault, vaultAddress } = await backstopBehind(ethers, suite, STAKED);
    await vault.connect(suite.governor).setMarketLimit(MARKET_ID, BACKSTOP_LIMIT);
    return { ...suite, vault, vaultAddress };
  }

  describe("setBackstop", () => {
    it("test_setBackstop_checksTheVaultAndTheShare", async () => {
      const suite = await networkHelpers.loadFixture(fundWithBackstop);
      const { fund, governor, alice, usdc: token, manager, vaultAddress, fundAddress } = suite;
      await expect(fund.connect(alice).setBackstop(vaultAddress, 0)).to.be.revertedWithCustomError(
        fund,
        "AccessManagedUnauthorized",
      );
      await expect(fund.connect(governor).setBackstop(vaultAddress, 10_001))
        .to.be.revertedWithCustomError(fund, "InsuranceFundBpsOutOfBounds")
        .withArgs(10_001n);
      await expect(fund.connect(governor).setBackstop(ethers.ZeroAddress, 1))
        .to.be.revertedWithCustomError(fund, "InsuranceFundInvalidBackstop")
        .withArgs(ethers.ZeroAddress);
      // Bound to another fund, or over another token.
      const elsewhere = await ethers.deployContract("BackstopVault", [
        await token.getAddress(),
        await manager.getAddress(),
        alice.address,
        "x",
        "x",
        BACKSTOP_TERMS,
      ]);
      await expect(fund.connect(governor).setBackstop(await elsewhere.getAddress(), 0))
        .to.be.revertedWithCustomError(fund, "InsuranceFundInvalidBackstop")
        .withArgs(await elsewhere.getAddress());
      const other = await ethers.deployContract("MockUSDC");
      const otherAsset = await ethers.deployContract("BackstopVault", [
        await other.getAddress(),
        await manager.getAddress(),
        fundAddress,
        "x",
        "x",
        BACKSTOP_TERMS,
      ]);
      await expect(fund.connect(governor).setBackstop(await otherAsset.getAddress(), 0))
        .to.be.revertedWithCustomError(fund, "InsuranceFundInvalidBackstop")
        .withArgs(await otherAsset.getAddress());
      expect(await fund.backstop()).to.equal(vaultAddress);
      expect(await fund.backstopIncomeShareBps()).to.equal(2_000n);
      await expect(fund.connect(governor).setBackstop(ethers.ZeroAddress, 0))
        .to.emit(fund, "InsuranceFundBackstopSet")
        .withArgs(ethers.ZeroAddress, 0n);
      expect(await fund.backstop()).to.equal(ethers.ZeroAddress);
    });
  });

  describe("the backstop's part of a bankruptcy", () => {
    it("test_coverBankruptcy_backstopBearsWhatTheFundLeavesWithinItsLimit", async () => {
      // Shortfall 500 and reward 10; the fund's limit is 150 (the reward, then 140 of the shortfall), the
      // backstop's limit for the market 200: it bears 200 of the shortfall, 160 is socialized.
      const suite = await networkHelpers.loadFixture(fundWithBackstop);
      const { fund, lens, exchange, vault, usdc: token, vaultAddress } = suite;
      const claim = claimFor(suite, { shortfall: usdc(500), reward: usdc(10) });
      const expected = expectedCover(claim, { fund: FUND_LIMIT, backstop: BACKSTOP_LIMIT });
      expect(expected).to.deep.include({
        fundReward: usdc(10),
        fundShortfall: usdc(140),
        backstopReward: 0n,
        backstopShortfall: usdc(200),
        paidNow: usdc(350),
        socialized: usdc(160),
      });
      expect(coverFromResult(await lens.previewCover(MARKET_ID, claim))).to.deep.equal(expected);
      await expect(fund.connect(exchange).coverBankruptcy(MARKET_ID, claim))
        .to.emit(fund, "InsuranceFundBankruptcyCovered")
        .withArgs(MARKET_ID, claim.account, claim.liquidator, coverTuple(expected))
        .and.to.emit(vault, "Covered")
        .withArgs(MARKET_ID, usdc(360), usdc(200));
      expect(await token.balanceOf(exchange.address)).to.equal(usdc(350));
      expect(await vault.totalAssets()).to.equal(STAKED - usdc(200));
      expect(await token.balanceOf(vaultAddress)).to.equal(STAKED - usdc(200));
      // The fund's balance paid F only; its tokens are its balance (nothing pending, nothing accrued).
      expect(await fund.fundBalance()).to.equal(usdc(10_000) - FUND_LIMIT);
      expect(await token.balanceOf(suite.fundAddress)).to.equal(usdc(10_000) - FUND_LIMIT);
      // The next claim: the fund's limit and the backstop's are used up.
      const next = claimFor(suite, { shortfall: usdc(50) });
      expect(coverFromResult(await lens.previewCover(MARKET_ID, next))).to.deep.equal({
        ...NO_COVER,
        socialized: usdc(50),
      });
    });

    it("test_coverBankruptcy_backstopNeverBelowItsMinimum", async () => {
      // Staked 10,000 with a minimum of 1,000 left: with a limit of 1,000,000 it covers at most 9,000.
      const suite = await networkHelpers.loadFixture(fundWithBackstop);
      const { fund, exchange, vault, governor } = suite;
      await vault.connect(governor).setMarketLimit(MARKET_ID, usdc(1_000_000));
      const claim = claimFor(suite, { shortfall: usdc(20_000) });
      const expected = expectedCover(claim, { fund: FUND_LIMIT, backstop: STAKED - BACKSTOP_TERMS.minimumAssets });
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claim);
      expect(await vault.totalAssets()).to.equal(BACKSTOP_TERMS.minimumAssets);
      expect(expected.backstopShortfall).to.equal(usdc(9_000));
      expect(await suite.usdc.balanceOf(exchange.address)).to.equal(expected.paidNow);
    });

    it("test_coverBankruptcy_aFailingBackstopCoversNothingAndBlocksNothing", async () => {
      const suite = await networkHelpers.loadFixture(fundWithBackstop);
      const { fund, lens, exchange, governor, usdc: token, fundAddress } = suite;
      const hostile = await ethers.deployContract("RevertingBackstop", [fundAddress, await token.getAddress()]);
      await fund.connect(governor).setBackstop(await hostile.getAddress(), 0);
      const claim = claimFor(suite, { shortfall: usdc(500), reward: usdc(10) });
      const expected = expectedCover(claim, { fund: FUND_LIMIT, backstop: 0n });
      // It reverts: nothing from it, the liquidation goes through.
      expect(coverFromResult(await lens.previewCover(MARKET_ID, claim))).to.deep.equal(expected);
      await expect(fund.connect(exchange).coverBankruptcy(MARKET_ID, claim))
        .to.emit(fund, "InsuranceFundBankruptcyCovered")
        .withArgs(MARKET_ID, claim.account, claim.liquidator, coverTuple(expected));
      // It says it paid but pays nothing: the fund counts what arrived (nothing).
      await hostile.setReverts(false);
      const second = claimFor(suite, { shortfall: usdc(100) });
      await expect(fund.connect(exchange).coverBankruptcy(MARKET_ID, second))
        .to.emit(fund, "InsuranceFundBankruptcyCovered")
        .withArgs(MARKET_ID, second.account, second.liquidator, coverTuple({ ...NO_COVER, socialized: usdc(100) }));
      expect(await token.balanceOf(fundAddress)).to.equal(await fund.fundBalance());
    });

    it("test_coverBankruptcy_backstopPartWaitsInThePendingClaimAndReturnsIfRejected", async () => {
      // The market's bucket holds 100: of F (150) + B (200), 100 is paid now (the fund's part first) and 250 waits,
      // 200 of it the backstop's.
      const suite = await networkHelpers.loadFixture(fundWithBackstop);
      const { fund, lens, exchange, governor, vault, alice, usdc: token } = suite;
      await fund.connect(governor).setMarketPayoutLimit(MARKET_ID, usdc(100), usdc(1));
      const claim = claimFor(suite, { shortfall: usdc(500), reward: usdc(10) });
      const expected = expectedCover(claim, {
        fund: FUND_LIMIT,
        backstop: BACKSTOP_LIMIT,
        payoutAvailable: usdc(100),
      });
      expect([expected.paidNow, expected.pending]).to.deep.equal([usdc(100), usdc(250)]);
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claim);
      expect(await fund.pendingClaim(MARKET_ID)).to.equal(usdc(250));
      expect(await fund.pendingFromBackstop(MARKET_ID)).to.equal(usdc(200));
      expect((await lens.marketLedger(MARKET_ID)).pendingFromBackstop).to.equal(usdc(200));
      expect(await fund.totalPending()).to.equal(usdc(250));
      // 100 seconds refill 100: the fund's 50 is paid first, then 50 of the backstop's.
      await networkHelpers.time.increase(99n);
      await fund.connect(alice).processPendingClaim(MARKET_ID);
      expect(await fund.pendingClaim(MARKET_ID)).to.equal(usdc(150));
      expect(await fund.pendingFromBackstop(MARKET_ID)).to.equal(usdc(150));
      // Retired and rejected: the backstop's 150 returns to it as streamed income, the fund's balance keeps its own.
      await fund.connect(governor).retireMarket(MARKET_ID);
      const balance = await fund.fundBalance();
      const vaultTokens = await token.balanceOf(await vault.getAddress());
      await expect(fund.connect(governor).rejectPendingClaim(MARKET_ID))
        .to.emit(fund, "InsuranceFundBackstopClaimReturned")
        .withArgs(MARKET_ID, await vault.getAddress(), usdc(150));
      expect(await fund.fundBalance()).to.equal(balance);
      expect(await token.balanceOf(await vault.getAddress())).to.equal(vaultTokens + usdc(150));
      expect(await vault.unvestedIncome()).to.equal(usdc(150));
      expect(await fund.pendingFromBackstop(MARKET_ID)).to.equal(0n);
      expect(await token.balanceOf(suite.fundAddress)).to.equal(await fund.fundBalance());
    });

    it("test_rejectPendingClaim_aRemovedBackstopsPartReturnsToTheFund", async () => {
      const suite = await networkHelpers.loadFixture(fundWithBackstop);
      const { fund, exchange, guardian, governor, usdc: token } = suite;
      await fund.connect(guardian).pause();
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(300) }));
      expect(await fund.pendingFromBackstop(MARKET_ID)).to.equal(usdc(150));
      await fund.connect(governor).setBackstop(ethers.ZeroAddress, 0);
      await fund.connect(governor).retireMarket(MARKET_ID);
      const balance = await fund.fundBalance();
      await expect(fund.connect(governor).rejectPendingClaim(MARKET_ID)).not.to.emit(
        fund,
        "InsuranceFundBackstopClaimReturned",
      );
      // No backstop to return it to: the whole claim returns to the fund's balance.
      expect(await fund.fundBalance()).to.equal(balance + usdc(300));
      expect(await token.balanceOf(suite.fundAddress)).to.equal(await fund.fundBalance());
    });

    it("test_coverBankruptcy_whilePausedTheBackstopPartIsTakenAndWaits", async () => {
      const suite = await networkHelpers.loadFixture(fundWithBackstop);
      const { fund, exchange, guardian, vault, alice, usdc: token } = suite;
      await fund.connect(guardian).pause();
      const claim = claimFor(suite, { shortfall: usdc(300) });
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claim);
      // Taken from the vault at once (deposits and exits see it), paid after the pause.
      expect(await vault.totalAssets()).to.equal(STAKED - usdc(150));
      expect(await fund.pendingClaim(MARKET_ID)).to.equal(usdc(300));
      await fund.connect(guardian).unpause();
      await fund.connect(alice).processPendingClaim(MARKET_ID);
      expect(await token.balanceOf(exchange.address)).to.equal(usdc(300));
      expect(await fund.pendingFromBackstop(MARKET_ID)).to.equal(0n);
    });
  });

  describe("the backstop's income", () => {
    it("test_flushTreasury_sendsTheBackstopItsShareStreamed", async () => {
      const suite = await networkHelpers.loadFixture(fundWithBackstop);
      const { fund, exchange, treasury, vault, alice, usdc: token } = suite;
      await token.mint(exchange.address, usdc(1_001));
      await token.connect(exchange).approve(suite.fundAddress, ethers.MaxUint256);
      // 50 % of 1,001 to the treasury's accrual: 500.5 units rounding to 500.500500 USDC... in units: 500_500_500.
      await fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(1_001));
      const accrued = await fund.treasuryAccrued();
      const toBackstop = (accrued * 2_000n) / 10_000n; // rounded down: the unit goes to the treasury
      await expect(fund.connect(alice).flushTreasury())
        .to.emit(fund, "InsuranceFundBackstopIncomePaid")
        .withArgs(await vault.getAddress(), toBackstop)
        .and.to.emit(fund, "InsuranceFundTreasuryFlushed")
        .withArgs(treasury.address, accrued - toBackstop);
      expect(await token.balanceOf(treasury.address)).to.equal(accrued - toBackstop);
      expect(await vault.unvestedIncome()).to.equal(toBackstop);
      // Streamed: after half the period about half has vested into the stakers' assets.
      await networkHelpers.time.increase(BACKSTOP_TERMS.streamPeriod / 2n);
      const vested = (await vault.totalAssets()) - STAKED;
      expect(vested > 0n && vested <= toBackstop / 2n + toBackstop / 100n).to.equal(true);
      await networkHelpers.time.increase(DAY * 7n);
      expect(await vault.totalAssets()).to.equal(STAKED + toBackstop);
    });

    it("test_flushTreasury_withoutABackstopAllGoesToTheTreasury", async () => {
      const suite = await networkHelpers.loadFixture(fundWithBackstop);
      const { fund, exchange, treasury, governor, alice, usdc: token } = suite;
      await fund.connect(governor).setBackstop(ethers.ZeroAddress, 0);
      await token.mint(exchange.address, usdc(10));
      await token.connect(exchange).approve(suite.fundAddress, ethers.MaxUint256);
      await fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(10));
      await expect(fund.connect(alice).flushTreasury()).not.to.emit(fund, "InsuranceFundBackstopIncomePaid");
      expect(await token.balanceOf(treasury.address)).to.equal(usdc(5));
    });
  });
});
