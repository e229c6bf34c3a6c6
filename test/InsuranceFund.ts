import { expect } from "chai";
import { network } from "hardhat";

import { deployFund, FLOOR, MARKET_ID, registerMarket, seed, TARGET_SHARE_BPS, claimFor } from "../lib/fundFixture.js";
import { SCALE as LOSS_INDEX_SCALE } from "../lib/model/lossIndex.js";
import { coverOf, coverTuple, NO_COVER, waterfall, coverFromResult } from "../lib/model/waterfall.js";
import { DEFAULT_OPEN_INTEREST_CAP, MAX_UINT128, usdc, wad, WEEK } from "../lib/units.js";
import { FeeKind } from "../lib/model/feePolicies.js";

const { ethers, networkHelpers } = await network.create();

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

describe("InsuranceFund", () => {
  async function fundWithMarket() {
    const suite = await deployFund(ethers);
    await registerMarket(suite, usdc(1_000_000));
    await seed(suite, usdc(10_000));
    return suite;
  }

  describe("deployment", () => {
    it("test_constructor_readsDecimalsAndParameters", async () => {
      const { fund, usdc: token, treasury, policy } = await networkHelpers.loadFixture(fundWithMarket);
      expect(await fund.quoteToken()).to.equal(await token.getAddress());
      expect(await fund.quoteDecimals()).to.equal(6n);
      expect(await fund.targetShareBps()).to.equal(TARGET_SHARE_BPS);
      expect(await fund.floor()).to.equal(FLOOR);
      expect(await fund.averagingWindow()).to.equal(WEEK);
      expect(await fund.treasury()).to.equal(treasury.address);
      expect(await fund.feePolicy()).to.equal(await policy.getAddress());
    });

    it("test_constructor_revertsOnBadInput", async () => {
      const { fund, usdc: token, manager, policy, treasury } = await networkHelpers.loadFixture(fundWithMarket);
      const args = [
        await token.getAddress(),
        await manager.getAddress(),
        WEEK,
        500n,
        FLOOR,
        FLOOR,
        await policy.getAddress(),
        treasury.address,
      ];
      const deploy = (patch: Record<number, unknown>) =>
        ethers.deployContract(
          "InsuranceFund",
          args.map((a, i) => (i in patch ? patch[i] : a)),
        );
      await expect(deploy({ 0: ethers.ZeroAddress })).to.be.revertedWithCustomError(fund, "InsuranceFundZeroAddress");
      await expect(deploy({ 7: ethers.ZeroAddress })).to.be.revertedWithCustomError(fund, "InsuranceFundZeroAddress");
      await expect(deploy({ 6: ethers.ZeroAddress })).to.be.revertedWithCustomError(fund, "InsuranceFundZeroAddress");
      await expect(deploy({ 2: WEEK + 1n }))
        .to.be.revertedWithCustomError(fund, "InsuranceFundWindowOutOfBounds")
        .withArgs(WEEK + 1n);
      await expect(deploy({ 2: 0n }))
        .to.be.revertedWithCustomError(fund, "InsuranceFundWindowOutOfBounds")
        .withArgs(0n);
      await expect(deploy({ 3: 0n }))
        .to.be.revertedWithCustomError(fund, "InsuranceFundTargetShareOutOfBounds")
        .withArgs(0n);
      await expect(deploy({ 3: 99n }))
        .to.be.revertedWithCustomError(fund, "InsuranceFundTargetShareOutOfBounds")
        .withArgs(99n);
      await expect(deploy({ 3: 10_001n }))
        .to.be.revertedWithCustomError(fund, "InsuranceFundTargetShareOutOfBounds")
        .withArgs(10_001n);
      // The minimum floor is fixed at deployment and the first floor may not start below it.
      await expect(deploy({ 5: FLOOR + 1n }))
        .to.be.revertedWithCustomError(fund, "InsuranceFundFloorBelowMinimum")
        .withArgs(FLOOR, FLOOR + 1n);
      // A policy that answers a split that does not add up is refused.
      const bad = await ethers.deployContract("MockFeePolicy", [20_000n, 0n]);
      await expect(deploy({ 6: await bad.getAddress() }))
        .to.be.revertedWithCustomError(fund, "InsuranceFundInvalidPolicy")
        .withArgs(await bad.getAddress());
    });
  });

  describe("deposit", () => {
    it("test_deposit_creditsBalanceAndEmits", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, usdc: token, alice, fundAddress } = suite;
      await token.mint(alice.address, usdc(200_000));
      await token.connect(alice).approve(fundAddress, usdc(200_000));
      await expect(fund.connect(alice).deposit(usdc(200_000)))
        .to.emit(fund, "InsuranceFundDeposited")
        .withArgs(alice.address, usdc(200_000));
      expect(await fund.fundBalance()).to.equal(usdc(210_000));
      expect(await token.balanceOf(fundAddress)).to.equal(usdc(210_000));
    });

    it("test_deposit_revertsOnZero", async () => {
      const { fund, alice } = await networkHelpers.loadFixture(fundWithMarket);
      await expect(fund.connect(alice).deposit(0n)).to.be.revertedWithCustomError(fund, "InsuranceFundZeroAmount");
    });

    it("test_deposit_revertsAbove128Bits", async () => {
      const { fund, usdc: token, alice, fundAddress } = await networkHelpers.loadFixture(fundWithMarket);
      const huge = MAX_UINT128;
      await token.mint(alice.address, huge);
      await token.connect(alice).approve(fundAddress, huge);
      await expect(fund.connect(alice).deposit(huge))
        .to.be.revertedWithCustomError(fund, "InsuranceFundAmountTooLarge")
        .withArgs(huge + usdc(10_000));
    });

    it("test_donation_changesNothingButTheSweepableRest", async () => {
      const { fund, usdc: token, alice, fundAddress } = await networkHelpers.loadFixture(fundWithMarket);
      const before = await fund.health();
      await token.mint(alice.address, usdc(5_000_000));
      await token.connect(alice).transfer(fundAddress, usdc(5_000_000));
      const after = await fund.health();
      expect(after.balance).to.equal(before.balance);
      expect(after.ratioBps).to.equal(before.ratioBps);
      expect(after.band).to.equal(before.band);
      expect(await fund.fundBalance()).to.equal(usdc(10_000));
    });
  });

  describe("markets", () => {
    it("test_registerMarket_storesAndEmits", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, governor, exchange } = suite;
      await expect(
        fund.connect(governor).registerMarket(7n, {
          exchange: exchange.address,
          insuranceLimit: usdc(50_000),
          rewardCap: usdc(100),
          rewardCapBps: 50n,
          openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
        }),
      )
        .to.emit(fund, "InsuranceFundMarketRegistered")
        .withArgs(7n, exchange.address, usdc(50_000), usdc(100), 50n);
      const m = await fund.market(7n);
      expect(m.exchange).to.equal(exchange.address);
      expect(m.insuranceLimit).to.equal(usdc(50_000));
      expect(m.insurancePaid).to.equal(0n);
      expect(m.rewardCap).to.equal(usdc(100));
      expect(m.rewardCapBps).to.equal(50n);
      expect(m.lossIndex).to.equal(0n);
    });

    it("test_registerMarket_revertsOnBadInput", async () => {
      const { fund, governor, exchange, alice } = await networkHelpers.loadFixture(fundWithMarket);
      const config = {
        exchange: exchange.address,
        insuranceLimit: 1n,
        rewardCap: 1n,
        rewardCapBps: 1n,
        openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
      };
      await expect(fund.connect(alice).registerMarket(9n, config))
        .to.be.revertedWithCustomError(fund, "AccessManagedUnauthorized")
        .withArgs(alice.address);
      await expect(
        fund.connect(governor).registerMarket(9n, { ...config, exchange: ethers.ZeroAddress }),
      ).to.be.revertedWithCustomError(fund, "InsuranceFundZeroAddress");
      await expect(fund.connect(governor).registerMarket(9n, { ...config, rewardCapBps: 10_001n }))
        .to.be.revertedWithCustomError(fund, "InsuranceFundBpsOutOfBounds")
        .withArgs(10_001n);
      await expect(fund.connect(governor).registerMarket(MARKET_ID, config))
        .to.be.revertedWithCustomError(fund, "InsuranceFundMarketExists")
        .withArgs(MARKET_ID);
      await expect(fund.market(9n)).to.be.revertedWithCustomError(fund, "InsuranceFundUnknownMarket").withArgs(9n);
    });

    it("test_raiseInsuranceLimit_onlyRaises", async () => {
      const { fund, governor } = await networkHelpers.loadFixture(fundWithMarket);
      await expect(fund.connect(governor).raiseInsuranceLimit(MARKET_ID, usdc(1_000_000)))
        .to.be.revertedWithCustomError(fund, "InsuranceFundLimitNotRaised")
        .withArgs(MARKET_ID, usdc(1_000_000), usdc(1_000_000));
      await expect(fund.connect(governor).raiseInsuranceLimit(MARKET_ID, usdc(999_999)))
        .to.be.revertedWithCustomError(fund, "InsuranceFundLimitNotRaised")
        .withArgs(MARKET_ID, usdc(1_000_000), usdc(999_999));
      await expect(fund.connect(governor).raiseInsuranceLimit(2n, usdc(1)))
        .to.be.revertedWithCustomError(fund, "InsuranceFundUnknownMarket")
        .withArgs(2n);
      await expect(fund.connect(governor).raiseInsuranceLimit(MARKET_ID, usdc(1_500_000)))
        .to.emit(fund, "InsuranceFundLimitRaised")
        .withArgs(MARKET_ID, usdc(1_000_000), usdc(1_500_000));
      expect((await fund.market(MARKET_ID)).insuranceLimit).to.equal(usdc(1_500_000));
    });

    it("test_setRewardCaps_validates", async () => {
      const { fund, governor, alice } = await networkHelpers.loadFixture(fundWithMarket);
      await expect(fund.connect(governor).setRewardCaps(MARKET_ID, 1n, 10_001n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundBpsOutOfBounds")
        .withArgs(10_001n);
      await expect(fund.connect(governor).setRewardCaps(3n, 1n, 1n)).to.be.revertedWithCustomError(
        fund,
        "InsuranceFundUnknownMarket",
      );
      await expect(fund.connect(alice).setRewardCaps(MARKET_ID, 1n, 1n)).to.be.revertedWithCustomError(
        fund,
        "AccessManagedUnauthorized",
      );
      await expect(fund.connect(governor).setRewardCaps(MARKET_ID, usdc(5), 25n))
        .to.emit(fund, "InsuranceFundRewardCapsSet")
        .withArgs(MARKET_ID, usdc(5), 25n);
    });
  });

  describe("coverBankruptcy", () => {
    it("test_coverBankruptcy_spinExample_fundPaysShortfallAndReward", async () => {
      // Alice: collateral 1,000 USDC, uPnL -1,200 USDC. Her 1,000 is already in the exchange's vault; the exchange
      // pays Bob's reward (10 USDC) itself, and the fund pays the exchange the missing 200 and the 10.
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, usdc: token, exchange, bob, fundAddress } = suite;
      const claim = claimFor(suite, { shortfall: usdc(1_200) - usdc(1_000), reward: usdc(10) });
      const cover = await fund.connect(exchange).coverBankruptcy.staticCall(MARKET_ID, claim);
      const expected = {
        ...NO_COVER,
        reward: usdc(10),
        fundReward: usdc(10),
        fundShortfall: usdc(200),
        paidNow: usdc(210),
      };
      expect(coverFromResult(cover)).to.deep.equal(expected);
      await expect(fund.connect(exchange).coverBankruptcy(MARKET_ID, claim))
        .to.emit(fund, "InsuranceFundBankruptcyCovered")
        .withArgs(MARKET_ID, claim.account, bob.address, coverTuple(expected))
        .and.not.to.emit(fund, "InsuranceFundLossSocialized");
      expect(await token.balanceOf(bob.address)).to.equal(0n);
      expect(await token.balanceOf(exchange.address)).to.equal(usdc(210));
      expect(await token.balanceOf(fundAddress)).to.equal(usdc(10_000 - 210));
      expect(await fund.fundBalance()).to.equal(usdc(10_000 - 210));
      expect((await fund.market(MARKET_ID)).insurancePaid).to.equal(usdc(210));
    });

    it("test_coverBankruptcy_spinExample_limitLeftPaysRewardFirstAndSocializesRest", async () => {
      // Same bankruptcy, but only 150 USDC of the market's limit is left: 10 to Bob first, then 140 of the
      // 200 shortfall; the other 60 is spread over the 4 ETH of open positions.
      const suite = await deployFund(ethers);
      await registerMarket(suite, usdc(150));
      await seed(suite, usdc(10_000));
      const { fund, exchange } = suite;
      const openBase = wad(4);
      const claim = claimFor(suite, { shortfall: usdc(200), reward: usdc(10), openBase });
      const expected = waterfall(
        {
          balance: usdc(10_000),
          insuranceLimit: usdc(150),
          insurancePaid: 0n,
          rewardCap: MAX_UINT128,
          rewardCapBps: 10_000n,
        },
        claim,
      );
      expect(expected).to.deep.equal({
        ...NO_COVER,
        reward: usdc(10),
        fundReward: usdc(10),
        fundShortfall: usdc(140),
        paidNow: usdc(150),
        socialized: usdc(60),
      });
      const cover = await fund.connect(exchange).coverBankruptcy.staticCall(MARKET_ID, claim);
      expect(coverFromResult(cover)).to.deep.equal(expected);
      const index = ceilDiv(usdc(60) * LOSS_INDEX_SCALE, openBase);
      await expect(fund.connect(exchange).coverBankruptcy(MARKET_ID, claim))
        .to.emit(fund, "InsuranceFundLossSocialized")
        .withArgs(MARKET_ID, claim.account, usdc(60), openBase, index);
      expect(await fund.lossIndex(MARKET_ID)).to.equal(index);
      // The survivors: a 3 ETH long and a 1 ETH short owe 45 and 15 USDC.
      expect((await fund.positionLoss(MARKET_ID, wad(3), 0n)).loss).to.equal(usdc(45));
      expect((await fund.positionLoss(MARKET_ID, wad(1), 0n)).loss).to.equal(usdc(15));
      // The exchange reads its own market's ledger directly (under its address), anyone else through the market's
      // exchange: the same answer.
      expect(await fund.connect(exchange).positionLoss(MARKET_ID, wad(3), 0n)).to.deep.equal([usdc(45), index]);
      // A position opened after the loss owes nothing of it.
      expect((await fund.positionLoss(MARKET_ID, wad(100), index)).loss).to.equal(0n);
      // The limit is used up: the next bankruptcy is socialized whole, the reward with the shortfall.
      const next = await fund.connect(exchange).coverBankruptcy.staticCall(MARKET_ID, claim);
      expect(coverFromResult(next)).to.deep.equal({ ...NO_COVER, reward: usdc(10), socialized: usdc(210) });
      expect((await fund.market(MARKET_ID)).insurancePaid).to.equal(usdc(150));
    });

    it("test_coverBankruptcy_emptyFundSocializesEverything", async () => {
      const suite = await deployFund(ethers);
      await registerMarket(suite, usdc(1_000_000));
      const claim = claimFor(suite, { shortfall: usdc(500), reward: usdc(10) });
      const cover = await suite.fund.connect(suite.exchange).coverBankruptcy.staticCall(MARKET_ID, claim);
      // The reward nobody covers is socialized with the shortfall: the exchange, which paid its keeper, is owed it.
      expect(coverFromResult(cover)).to.deep.equal({ ...NO_COVER, reward: usdc(10), socialized: usdc(510) });
      await suite.fund.connect(suite.exchange).coverBankruptcy(MARKET_ID, claim);
      expect(await suite.usdc.balanceOf(suite.bob.address)).to.equal(0n);
      expect(await suite.usdc.balanceOf(suite.exchange.address)).to.equal(0n);
    });

    it("test_coverBankruptcy_zeroOpenInterestRecordsBadDebt", async () => {
      const suite = await deployFund(ethers);
      await registerMarket(suite, usdc(100));
      await seed(suite, usdc(1_000));
      const { fund, exchange } = suite;
      const claim = claimFor(suite, { shortfall: usdc(300), reward: usdc(0), openBase: 0n });
      await expect(fund.connect(exchange).coverBankruptcy(MARKET_ID, claim))
        .to.emit(fund, "InsuranceFundBadDebtRecorded")
        .withArgs(MARKET_ID, claim.account, usdc(200), usdc(200))
        .and.not.to.emit(fund, "InsuranceFundLossSocialized");
      expect((await fund.market(MARKET_ID)).badDebt).to.equal(usdc(200));
      expect(await fund.totalBadDebt()).to.equal(usdc(200));
      expect(await fund.lossIndex(MARKET_ID)).to.equal(0n);
    });

    it("test_coverBankruptcy_rewardCappedByAbsoluteAndNotionalCaps", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, governor, exchange } = suite;
      // 25 bps of 10,000 USDC notional = 25 USDC; absolute cap 20 USDC: the reward is 20.
      await fund.connect(governor).setRewardCaps(MARKET_ID, usdc(20), 25n);
      const asked = claimFor(suite, { shortfall: usdc(1), reward: usdc(500), liquidatedNotional: usdc(10_000) });
      expect((await fund.connect(exchange).coverBankruptcy.staticCall(MARKET_ID, asked)).reward).to.equal(usdc(20));
      // Absolute cap 100 USDC: the notional cap binds at 25.
      await fund.connect(governor).setRewardCaps(MARKET_ID, usdc(100), 25n);
      expect((await fund.connect(exchange).coverBankruptcy.staticCall(MARKET_ID, asked)).reward).to.equal(usdc(25));
      // Rounded down: 25 bps of 399 units is 0.9975 units -> 0.
      const dust = claimFor(suite, { shortfall: usdc(1), reward: 100n, liquidatedNotional: 399n });
      expect((await fund.connect(exchange).coverBankruptcy.staticCall(MARKET_ID, dust)).reward).to.equal(0n);
    });

    it("test_coverBankruptcy_neverPaysAMarketMoreThanItsLimit", async () => {
      const suite = await deployFund(ethers);
      await registerMarket(suite, usdc(1_000));
      await seed(suite, usdc(100_000));
      let paid = 0n;
      for (const [shortfall, reward] of [
        [usdc(300), usdc(20)],
        [usdc(450), usdc(5)],
        [usdc(400), usdc(50)],
        [usdc(10), 0n],
      ]) {
        const claim = claimFor(suite, { shortfall, reward });
        const expected = waterfall(
          {
            balance: usdc(100_000) - paid,
            insuranceLimit: usdc(1_000),
            insurancePaid: paid,
            rewardCap: MAX_UINT128,
            rewardCapBps: 10_000n,
          },
          claim,
        );
        const cover = await suite.fund.connect(suite.exchange).coverBankruptcy.staticCall(MARKET_ID, claim);
        expect(coverFromResult(cover)).to.deep.equal(expected);
        await suite.fund.connect(suite.exchange).coverBankruptcy(MARKET_ID, claim);
        paid += expected.fundReward + expected.fundShortfall;
      }
      expect(paid).to.equal(usdc(1_000));
      expect((await suite.fund.market(MARKET_ID)).insurancePaid).to.equal(usdc(1_000));
      expect(await suite.fund.fundBalance()).to.equal(usdc(99_000));
    });

    it("test_coverBankruptcy_compromisedExchangeTakesAtMostItsMarketsLimit", async () => {
      // The exchange of market 1 is compromised: it claims absurd shortfalls and rewards for itself, again and
      // again, and tries the other market too. The fund pays it no more than market 1's limit, in total.
      const suite = await deployFund(ethers);
      await registerMarket(suite, usdc(25_000));
      const { fund, governor, exchange, alice, usdc: token, fundAddress } = suite;
      await fund.connect(governor).registerMarket(2n, {
        exchange: alice.address,
        insuranceLimit: usdc(1_000_000),
        rewardCap: MAX_UINT128,
        rewardCapBps: 10_000n,
        openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
      });
      await seed(suite, usdc(500_000));
      const greedy = {
        account: exchange.address,
        shortfall: usdc(1_000_000_000),
        liquidator: exchange.address,
        reward: usdc(1_000_000_000),
        liquidatedNotional: usdc(1_000_000_000),
        openBase: 1n,
      };
      for (let i = 0; i < 5; i++) await fund.connect(exchange).coverBankruptcy(MARKET_ID, greedy);
      await expect(fund.connect(exchange).coverBankruptcy(2n, greedy))
        .to.be.revertedWithCustomError(fund, "InsuranceFundNotMarketExchange")
        .withArgs(2n, exchange.address);
      expect(await token.balanceOf(exchange.address)).to.equal(usdc(25_000));
      expect(await fund.fundBalance()).to.equal(usdc(475_000));
      expect(await token.balanceOf(fundAddress)).to.equal(usdc(475_000));
      expect((await fund.market(MARKET_ID)).insurancePaid).to.equal(usdc(25_000));
      expect((await fund.market(2n)).insurancePaid).to.equal(0n);
    });

    it("test_coverBankruptcy_fundBalanceBindsBeforeLimit", async () => {
      const suite = await deployFund(ethers);
      await registerMarket(suite, usdc(1_000_000));
      await seed(suite, usdc(75));
      const cover = await suite.fund
        .connect(suite.exchange)
        .coverBankruptcy.staticCall(MARKET_ID, claimFor(suite, { shortfall: usdc(200), reward: usdc(10) }));
      expect(coverFromResult(cover)).to.deep.equal({
        ...NO_COVER,
        reward: usdc(10),
        fundReward: usdc(10),
        fundShortfall: usdc(65),
        paidNow: usdc(75),
        socialized: usdc(135),
      });
    });

    it("test_coverBankruptcy_revertsForUnknownMarketAndStrangers", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, exchange, alice } = suite;
      const claim = claimFor(suite, { shortfall: usdc(1) });
      await expect(fund.connect(exchange).coverBankruptcy(2n, claim))
        .to.be.revertedWithCustomError(fund, "InsuranceFundUnknownMarket")
        .withArgs(2n);
      await expect(fund.connect(alice).coverBankruptcy(MARKET_ID, claim))
        .to.be.revertedWithCustomError(fund, "InsuranceFundNotMarketExchange")
        .withArgs(MARKET_ID, alice.address);
    });

    it("test_coverBankruptcy_revertsOnBadClaims", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, exchange } = suite;
      await expect(
        fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: 0n })),
      ).to.be.revertedWithCustomError(fund, "InsuranceFundZeroAmount");
      await expect(fund.connect(exchange).coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: MAX_UINT128 + 1n })))
        .to.be.revertedWithCustomError(fund, "InsuranceFundAmountTooLarge")
        .withArgs(MAX_UINT128 + 1n);
      await expect(
        fund.connect(exchange).coverBankruptcy(MARKET_ID, {
          ...claimFor(suite, { shortfall: 1n, reward: 1n }),
          liquidator: ethers.ZeroAddress,
        }),
      ).to.be.revertedWithCustomError(fund, "InsuranceFundZeroAddress");
      expect(await fund.fundBalance()).to.equal(usdc(10_000));
    });

    it("test_coverBankruptcy_queuesWhilePaused", async () => {
      // Before: the liquidation reverted while paused. Now the fund's part waits as the market's pending claim.
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, exchange, guardian, usdc: token, alice } = suite;
      await fund.connect(guardian).pause();
      const claim = claimFor(suite, { shortfall: usdc(200), reward: usdc(10) });
      const expected = {
        ...NO_COVER,
        reward: usdc(10),
        fundReward: usdc(10),
        fundShortfall: usdc(200),
        pending: usdc(210),
      };
      expect(coverFromResult(await fund.connect(exchange).coverBankruptcy.staticCall(MARKET_ID, claim))).to.deep.equal(
        expected,
      );
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claim);
      expect(await token.balanceOf(exchange.address)).to.equal(0n);
      expect(await fund.pendingClaim(MARKET_ID)).to.equal(usdc(210));
      expect(await fund.totalPending()).to.equal(usdc(210));
      expect(await fund.fundBalance()).to.equal(usdc(10_000 - 210));
      await expect(fund.connect(alice).processPendingClaim(MARKET_ID)).to.be.revertedWithCustomError(
        fund,
        "InsuranceFundPaused",
      );
      await fund.connect(guardian).unpause();
      await expect(fund.connect(alice).processPendingClaim(MARKET_ID))
        .to.emit(fund, "InsuranceFundPendingClaimPaid")
        .withArgs(MARKET_ID, exchange.address, usdc(210), 0n);
      expect(await token.balanceOf(exchange.address)).to.equal(usdc(210));
      expect(await fund.totalPending()).to.equal(0n);
    });
  });

  describe("pause", () => {
    it("test_pause_onlyGuardianAndNotTwice", async () => {
      const { fund, guardian, governor, alice } = await networkHelpers.loadFixture(fundWithMarket);
      await expect(fund.connect(alice).pause())
        .to.be.revertedWithCustomError(fund, "AccessManagedUnauthorized")
        .withArgs(alice.address);
      await expect(fund.connect(governor).pause()).to.be.revertedWithCustomError(fund, "AccessManagedUnauthorized");
      await expect(fund.connect(guardian).unpause()).to.be.revertedWithCustomError(fund, "InsuranceFundNotPaused");
      await expect(fund.connect(guardian).pause()).to.emit(fund, "InsuranceFundPausedBy").withArgs(guardian.address);
      expect(await fund.paused()).to.equal(true);
      await expect(fund.connect(guardian).pause()).to.be.revertedWithCustomError(fund, "InsuranceFundPaused");
      await expect(fund.connect(guardian).unpause())
        .to.emit(fund, "InsuranceFundUnpausedBy")
        .withArgs(guardian.address);
    });

    it("test_pause_leavesDepositsAndIncomeOpen", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, guardian, exchange, usdc: token, fundAddress } = suite;
      await fund.connect(guardian).pause();
      await seed(suite, usdc(1));
      await token.mint(exchange.address, usdc(10));
      await token.connect(exchange).approve(fundAddress, usdc(10));
      await fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(10));
      expect(await fund.fundBalance()).to.equal(usdc(10_000 + 1 + 5));
      await expect(fund.sweepSurplus()).to.be.revertedWithCustomError(fund, "InsuranceFundPaused");
    });
  });

  describe("socialized-loss ledger", () => {
    it("test_positionLoss_revertsForIndexAheadAndUnknownMarket", async () => {
      const { fund } = await networkHelpers.loadFixture(fundWithMarket);
      await expect(fund.positionLoss(MARKET_ID, wad(1), 1n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundIndexAhead")
        .withArgs(MARKET_ID, 1n, 0n);
      await expect(fund.positionLoss(5n, wad(1), 0n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundUnknownMarket")
        .withArgs(5n);
      await expect(fund.lossIndex(5n)).to.be.revertedWithCustomError(fund, "InsuranceFundUnknownMarket").withArgs(5n);
    });

    it("test_positionLoss_chargesOnTheSizeHeldAtEachLoss", async () => {
      // Two losses; a position of 2 ETH held through the first and 1 ETH through the second.
      const suite = await deployFund(ethers);
      await registerMarket(suite, 0n);
      const { fund, exchange } = suite;
      await fund
        .connect(exchange)
        .coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(100), openBase: wad(8) }));
      const first = await fund.lossIndex(MARKET_ID);
      const { loss: owedFirst, currentIndex } = await fund.positionLoss(MARKET_ID, wad(2), 0n);
      expect(owedFirst).to.equal(usdc(25)); // 100 * 2 / 8
      expect(currentIndex).to.equal(first);
      await fund
        .connect(exchange)
        .coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(30), openBase: wad(3) }));
      expect((await fund.positionLoss(MARKET_ID, wad(1), first)).loss).to.equal(usdc(10)); // 30 * 1 / 3
    });
  });

  describe("fee splitting", () => {
    async function fundWithFees() {
      const suite = await fundWithMarket();
      await suite.usdc.mint(suite.exchange.address, usdc(1_000_000));
      await suite.usdc.connect(suite.exchange).approve(suite.fundAddress, ethers.MaxUint256);
      return suite;
    }

    it("test_collectFee_splitsAndAccruesTreasury", async () => {
      const { fund, exchange, usdc: token, fundAddress, treasury } = await networkHelpers.loadFixture(fundWithFees);
      await expect(fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, 1_001n))
        .to.emit(fund, "InsuranceFundFeeCollected")
        .withArgs(MARKET_ID, FeeKind.TradingFee, 1_001n, 500n, 501n, 0n);
      expect(await fund.fundBalance()).to.equal(usdc(10_000) + 500n);
      expect(await fund.treasuryAccrued()).to.equal(501n);
      expect(await token.balanceOf(fundAddress)).to.equal(usdc(10_000) + 1_001n);
      await expect(fund.flushTreasury()).to.emit(fund, "InsuranceFundTreasuryFlushed").withArgs(treasury.address, 501n);
      expect(await token.balanceOf(treasury.address)).to.equal(501n);
      await expect(fund.flushTreasury()).to.be.revertedWithCustomError(fund, "InsuranceFundNothingToFlush");
    });

    it("test_collectFee_zeroIsANoOp", async () => {
      const { fund, exchange } = await networkHelpers.loadFixture(fundWithFees);
      await expect(fund.connect(exchange).collectFee(MARKET_ID, FeeKind.LiquidationPenalty, 0n)).not.to.emit(
        fund,
        "InsuranceFundFeeCollected",
      );
    });

    it("test_collectFee_revertsForUnknownMarketAndStrangers", async () => {
      const { fund, exchange, alice } = await networkHelpers.loadFixture(fundWithFees);
      await expect(fund.connect(exchange).collectFee(4n, FeeKind.TradingFee, 1n)).to.be.revertedWithCustomError(
        fund,
        "InsuranceFundUnknownMarket",
      );
      await expect(fund.connect(alice).collectFee(MARKET_ID, FeeKind.TradingFee, 1n))
        .to.be.revertedWithCustomError(fund, "InsuranceFundNotMarketExchange")
        .withArgs(MARKET_ID, alice.address);
    });

    it("test_collectFee_repaysBadDebtFirst", async () => {
      const suite = await networkHelpers.loadFixture(fundWithFees);
      const { fund, exchange, usdc: token } = suite;
      // 10,000 USDC of bad debt beyond a 10,000 USDC fund... limit 1,000,000, no open positions.
      await fund
        .connect(exchange)
        .coverBankruptcy(MARKET_ID, claimFor(suite, { shortfall: usdc(10_300), openBase: 0n }));
      expect(await fund.totalBadDebt()).to.equal(usdc(300));
      expect(await fund.fundBalance()).to.equal(0n);
      const exchangeBefore = await token.balanceOf(exchange.address);
      // A 200 USDC fee repays 200 of the bad debt from the whole fee (kept by the exchange); nothing is split.
      await expect(fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(200)))
        .to.emit(fund, "InsuranceFundBadDebtRepaid")
        .withArgs(MARKET_ID, usdc(200), usdc(100))
        .and.to.emit(fund, "InsuranceFundFeeCollected")
        .withArgs(MARKET_ID, FeeKind.TradingFee, usdc(200), 0n, 0n, usdc(200));
      expect(await token.balanceOf(exchange.address)).to.equal(exchangeBefore);
      expect(await fund.fundBalance()).to.equal(0n);
      expect(await fund.treasuryAccrued()).to.equal(0n);
      // The next 400: 100 repays the rest, the policy (50 % / 50 %) splits the other 300.
      await expect(fund.connect(exchange).collectFee(MARKET_ID, FeeKind.LiquidationPenalty, usdc(400)))
        .to.emit(fund, "InsuranceFundFeeCollected")
        .withArgs(MARKET_ID, FeeKind.LiquidationPenalty, usdc(400), usdc(150), usdc(150), usdc(100));
      expect(await fund.totalBadDebt()).to.equal(0n);
      expect(await fund.fundBalance()).to.equal(usdc(150));
      expect(await fund.treasuryAccrued()).to.equal(usdc(150));
      expect(await token.balanceOf(exchange.address)).to.equal(exchangeBefore - usdc(300));
    });

    it("test_setFeePolicy_governedAndProbed", async () => {
      const { fund, governor, alice, policy } = await networkHelpers.loadFixture(fundWithFees);
      const next = await ethers.deployContract("MockFeePolicy", [1_000n, 2_000n]);
      await expect(fund.connect(alice).setFeePolicy(await next.getAddress())).to.be.revertedWithCustomError(
        fund,
        "AccessManagedUnauthorized",
      );
      await expect(fund.connect(governor).setFeePolicy(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        fund,
        "InsuranceFundZeroAddress",
      );
      await expect(fund.connect(governor).setFeePolicy(await next.getAddress()))
        .to.emit(fund, "InsuranceFundFeePolicySet")
        .withArgs(await policy.getAddress(), await next.getAddress());
    });

    it("test_collectFee_policyThatBreaksLaterSendsAllToFund", async () => {
      const { fund, governor, exchange } = await networkHelpers.loadFixture(fundWithFees);
      const next = await ethers.deployContract("MockFeePolicy", [1_000n, 2_000n]);
      await fund.connect(governor).setFeePolicy(await next.getAddress());
      await next.setShares(10_001n, 0n);
      await expect(fund.connect(exchange).collectFee(MARKET_ID, FeeKind.TradingFee, usdc(10)))
        .to.emit(fund, "InsuranceFundPolicyFailed")
        .withArgs(await next.getAddress(), FeeKind.TradingFee, usdc(10))
        .and.to.emit(fund, "InsuranceFundFeeCollected")
        .withArgs(MARKET_ID, FeeKind.TradingFee, usdc(10), usdc(10), 0n, 0n);
      expect(await fund.fundBalance()).to.equal(usdc(10_010));
      expect(await fund.treasuryAccrued()).to.equal(0n);
    });

    it("test_setTreasury_governed", async () => {
      const { fund, governor, treasury, alice } = await networkHelpers.loadFixture(fundWithFees);
      await expect(fund.connect(governor).setTreasury(ethers.ZeroAddress)).to.be.revertedWithCustomError(
        fund,
        "InsuranceFundZeroAddress",
      );
      await expect(fund.connect(governor).setTreasury(alice.address))
        .to.emit(fund, "InsuranceFundTreasurySet")
        .withArgs(treasury.address, alice.address);
      expect(await fund.treasury()).to.equal(alice.address);
    });
  });

  describe("hostile token", () => {
    async function hostileFund() {
      const evil = await ethers.deployContract("ReentrantToken");
      const suite = await deployFund(ethers, { token: await evil.getAddress() });
      await registerMarket(suite, usdc(1_000_000));
      await evil.mint(suite.admin.address, usdc(10_000));
      await evil.approve(suite.fundAddress, usdc(10_000));
      await suite.fund.deposit(usdc(10_000));
      return { ...suite, evil };
    }

    it("test_reentrancy_coverBankruptcyCannotReenterThroughToken", async () => {
      const suite = await networkHelpers.loadFixture(hostileFund);
      const { fund, evil, exchange, fundAddress } = suite;
      // The token calls sweepSurplus and deposit on the fund while the fund pays the liquidator.
      const claim = claimFor(suite, { shortfall: usdc(200), reward: usdc(10) });
      await evil.arm(fundAddress, fund.interface.encodeFunctionData("sweepSurplus"));
      await fund.connect(exchange).coverBankruptcy(MARKET_ID, claim);
      expect(await evil.attackCount()).to.equal(1n);
      expect(await evil.lastAttackSucceeded()).to.equal(false);
      const guardError = fund.interface.getError("ReentrancyGuardReentrantCall")!.selector;
      expect(await evil.lastAttackResult()).to.equal(guardError);
      expect(await fund.fundBalance()).to.equal(usdc(10_000 - 210));
      expect(await evil.balanceOf(fundAddress)).to.equal(usdc(10_000 - 210));
    });

    it("test_reentrancy_depositCannotReenter", async () => {
      const suite = await networkHelpers.loadFixture(hostileFund);
      const { fund, evil, fundAddress, alice } = suite;
      await evil.mint(alice.address, usdc(5));
      await evil.connect(alice).approve(fundAddress, usdc(5));
      await evil.arm(fundAddress, fund.interface.encodeFunctionData("flushTreasury"));
      await fund.connect(alice).deposit(usdc(5));
      expect(await evil.lastAttackSucceeded()).to.equal(false);
      expect(await fund.fundBalance()).to.equal(usdc(10_005));
    });
  });

  describe("surplus and recovery", () => {
    it("test_sweepSurplus_sendsBalanceAboveFloorAndStrayTokens", async () => {
      const suite = await networkHelpers.loadFixture(fundWithMarket);
      const { fund, usdc: token, treasury, alice, fundAddress } = suite;
      await seed(suite, usdc(250_000));
      await token.mint(alice.address, usdc(7));
      await token.connect(alice).transfer(fundAddress, usdc(7));
      // No open interest: the target is the floor, 200,000 USDC.
      expect(await fund.targetSize()).to.equal(FLOOR);
      await expect(fund.connect(alice).sweepSurplus())
        .to.emit(fund, "InsuranceFundSurplusSwept")
        .withArgs(treasury.address, usdc(60_000), usdc(7));
      expect(await fund.fundBalance()).to.equal(FLOOR);
      expect(await token.balanceOf(treasury.address)).to.equal(usdc(60_007));
      await expect(fund.sweepSurplus())
        .to.be.revertedWithCustomError(fund, "InsuranceFundNoSurplus")
        .withArgs(FLOOR, FLOOR);
    });

    it("test_recoverToken_sendsOtherTokensToTreasuryOnly", async () => {
      const { fund, usdc: token, treasury, fundAddress } = await networkHelpers.loadFixture(fundWithMarket);
      await expect(fund.recoverToken(await token.getAddress())).to.be.revertedWithCustomError(
        fund,
        "InsuranceFundCannotRecoverQuoteToken",
      );
      const other = await ethers.deployContract("MockUSDC");
      await expect(fund.recoverToken(await other.getAddress())).to.be.revertedWithCustomError(
        fund,
        "InsuranceFundZeroAmount",
      );
      await other.mint(fundAddress, 123n);
      await expect(fund.recoverToken(await other.getAddress()))
        .to.emit(fund, "InsuranceFundTokenRecovered")
        .withArgs(await other.getAddress(), treasury.address, 123n);
      expect(await other.balanceOf(treasury.address)).to.equal(123n);
    });
  });
});
