// What governance, a rogue exchange and odd tokens can and cannot do to the fund. Each sequence here ran to
// the attacker's end on commit 834b281 (before the governance delay, the minimum floor, the recovery check and
// the floor rule of the target bands) and fails to now.
import { expect } from "chai";
import type { Interface } from "ethers";
import { network } from "hardhat";

import { deployFund, type FundSuite, MARKET_ID, registerMarket, seed } from "../lib/fundFixture.js";
import { DEFAULT_OPEN_INTEREST_CAP, MAX_UINT128, usdc, WEEK } from "../lib/units.js";

const { ethers, networkHelpers } = await network.create();

const DELAY = 2n * 24n * 3600n;
const MAX_UINT256 = 2n ** 256n - 1n;

/** Schedules `data` on the fund through the manager as `suite.governor`; returns the operation id. */
async function schedule(suite: FundSuite, data: string) {
  const id = await suite.manager.hashOperation(suite.governor.address, suite.fundAddress, data);
  await suite.manager.connect(suite.governor).schedule(suite.fundAddress, data, 0);
  return id;
}

function encode(iface: Interface, name: string, args: unknown[]) {
  return iface.encodeFunctionData(name, args);
}

/**
 * The drain's stage: 500,000 USDC in the fund, 10,000,000 of open interest for a whole window (target 500,000, no
 * surplus), the governor's calls delayed by two days.
 */
async function fundAtTarget() {
  const suite = await deployFund(ethers, { governanceDelay: DELAY, minFloor: usdc(200_000) });
  // Registering a market waits for the delay too.
  const register = encode(suite.fund.interface, "registerMarket", [
    MARKET_ID,
    {
      exchange: suite.exchange.address,
      insuranceLimit: usdc(1_000_000),
      rewardCap: MAX_UINT128,
      rewardCapBps: 10_000n,
      openInterestCap: DEFAULT_OPEN_INTEREST_CAP,
    },
  ]);
  await schedule(suite, register);
  await networkHelpers.time.increase(DELAY);
  await suite.manager.connect(suite.governor).execute(suite.fundAddress, register);
  await seed(suite, usdc(500_000));
  await suite.fund.connect(suite.exchange).recordOpenInterest(MARKET_ID, usdc(10_000_000));
  await networkHelpers.time.increase(WEEK + 1n);
  return suite;
}

describe("InsuranceFund: trust boundaries", () => {
  describe("governance cannot empty the fund faster than its delay", () => {
    it("test_drain_nothingBeyondTheSurplusLeavesBeforeTheDelay", async () => {
      const suite = await networkHelpers.loadFixture(fundAtTarget);
      const { fund, manager, governor, stranger } = { ...suite, stranger: suite.carol };
      expect(await fund.targetSize()).to.equal(usdc(500_000));
      const thief = suite.bob.address;

      // The sequence of commit 834b281: setTreasury(thief), setTarget(1, 0), sweep. Called directly, each waits.
      await expect(fund.connect(governor).setTreasury(thief)).to.be.revertedWithCustomError(
        manager,
        "AccessManagerNotScheduled",
      );
      // The lowest target governance may ask for: 1 % and the minimum floor fixed at deployment.
      const setTreasury = encode(fund.interface, "setTreasury", [thief]);
      const setTarget = encode(fund.interface, "setTarget", [100n, usdc(200_000)]);
      await schedule(suite, setTreasury);
      await schedule(suite, setTarget);
      await expect(manager.connect(governor).execute(suite.fundAddress, setTreasury)).to.be.revertedWithCustomError(
        manager,
        "AccessManagerNotReady",
      );
      // Before the delay: there is no surplus, nothing leaves, and the treasury is the old one.
      await expect(fund.connect(stranger).sweepSurplus()).to.be.revertedWithCustomError(fund, "InsuranceFundNoSurplus");
      await networkHelpers.time.increase(DELAY - 10n);
      await expect(manager.connect(governor).execute(suite.fundAddress, setTarget)).to.be.revertedWithCustomError(
        manager,
        "AccessManagerNotReady",
      );
      expect(await fund.fundBalance()).to.equal(usdc(500_000));

      // After it, the most that can leave is what lies above the minimum floor (and the watchers had two days).
      await networkHelpers.time.increase(10n);
      await manager.connect(governor).execute(suite.fundAddress, setTreasury);
      await manager.connect(governor).execute(suite.fundAddress, setTarget);
      await expect(fund.connect(stranger).sweepSurplus())
        .to.emit(fund, "InsuranceFundSurplusSwept")
        .withArgs(thief, usdc(300_000), 0n);
      expect(await fund.fundBalance()).to.equal(usdc(200_000));
    });

    it("test_drain_aCancelledChangeMovesNothing", async () => {
      const suite = await networkHelpers.loadFixture(fundAtTarget);
      const { fund, manager, governor, guardian } = suite;
      const setTreasury = encode(fund.interface, "setTreasury", [suite.bob.address]);
      const setTarget = encode(fund.interface, "setTarget", [100n, usdc(200_000)]);
      const treasuryOp = await schedule(suite, setTreasury);
      const targetOp = await schedule(suite, setTarget);
      // The guardian is the governor role's guardian: it cancels both while they wait.
      await manager.connect(guardian).cancel(governor.address, suite.fundAddress, setTreasury);
      await manager.connect(guardian).cancel(governor.address, suite.fundAddress, setTarget);
      expect(await manager.getSchedule(treasuryOp)).to.equal(0n);
      expect(await manager.getSchedule(targetOp)).to.equal(0n);
      await networkHelpers.time.increase(DELAY + 1n);
      await expect(manager.connect(governor).execute(suite.fundAddress, setTreasury)).to.be.revertedWithCustomError(
        manager,
        "AccessManagerNotScheduled",
      );
      await expect(manager.connect(governor).execute(suite.fundAddress, setTarget)).to.be.revertedWithCustomError(
        manager,
        "AccessManagerNotScheduled",
      );
      await expect(fund.sweepSurplus()).to.be.revertedWithCustomError(fund, "InsuranceFundNoSurplus");
      expect(await fund.treasury()).to.equal(suite.treasury.address);
      expect(await fund.fundBalance()).to.equal(usdc(500_000));
    });

    it("test_drain_theFloorNeverGoesBelowItsMinimum", async () => {
      const suite = await networkHelpers.loadFixture(fundAtTarget);
      const { fund, manager, governor } = suite;
      for (const [share, floor, error, args] of [
        [1n, 0n, "InsuranceFundTargetShareOutOfBounds", [1n]],
        [100n, usdc(200_000) - 1n, "InsuranceFundFloorBelowMinimum", [usdc(200_000) - 1n, usdc(200_000)]],
      ] as const) {
        const data = encode(fund.interface, "setTarget", [share, floor]);
        await schedule(suite, data);
        await networkHelpers.time.increase(DELAY);
        await expect(manager.connect(governor).execute(suite.fundAddress, data))
          .to.be.revertedWithCustomError(fund, error)
          .withArgs(...args);
      }
      expect(await fund.minFloor()).to.equal(usdc(200_000));
      expect(await fund.floor()).to.equal(usdc(200_000));
    });

    it("test_sideDoors_adminAndNewGovernorsWaitToo", async () => {
      const suite = await networkHelpers.loadFixture(fundAtTarget);
      const { manager, admin, fundAddress } = suite;
      const GOVERNOR_ROLE = 1n;
      // The admin's own calls wait (granting a new governor, re-pointing the fund's authority) ...
      expect((await manager.hasRole(0n, admin.address))[1]).to.equal(DELAY);
      await expect(
        manager.connect(admin).grantRole(GOVERNOR_ROLE, suite.bob.address, 0n),
      ).to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled");
      await expect(
        manager.connect(admin).updateAuthority(fundAddress, suite.bob.address),
      ).to.be.revertedWithCustomError(manager, "AccessManagerNotScheduled");
      // ... and the manager's own delays on the governor role and the fund are set to the governance delay (they
      // take effect after OpenZeppelin's minimum setback; until then the admin's execution delay covers them).
      await networkHelpers.time.increase(5n * 24n * 3600n);
      expect(await manager.getRoleGrantDelay(GOVERNOR_ROLE)).to.equal(DELAY);
      expect(await manager.getTargetAdminDelay(fundAddress)).to.equal(DELAY);
      // The guardian guards the governor role: it may cancel what the governor schedules.
      expect(await manager.getRoleGuardian(GOVERNOR_ROLE)).to.equal(2n);
    });

    it("test_pause_staysImmediate", async () => {
      const suite = await networkHelpers.loadFixture(fundAtTarget);
      await expect(suite.fund.connect(suite.guardian).pause()).to.emit(suite.fund, "InsuranceFundPausedBy");
      await expect(suite.fund.connect(suite.guardian).unpause()).to.emit(suite.fund, "InsuranceFundUnpausedBy");
    });
  });

  describe("every amount gets its named error", () => {
    it("test_deposit_maxUint256OnAFundThatHoldsMoney_namesTheError", async () => {
      const suite = await deployFund(ethers);
      await seed(suite, usdc(1_000));
      // 834b281: panic 0x11 (the addition overflowed before the check).
      await expect(suite.fund.deposit(MAX_UINT256))
        .to.be.revertedWithCustomError(suite.fund, "InsuranceFundAmountTooLarge")
        .withArgs(MAX_UINT256);
      expect(await suite.fund.fundBalance()).to.equal(usdc(1_000));
    });

    it("test_collectFee_maxUint256_namesTheError", async () => {
      const suite = await deployFund(ethers);
      await registerMarket(suite, usdc(1_000));
      await seed(suite, usdc(1_000));
      for (const kind of [0n, 1n]) {
        await expect(suite.fund.connect(suite.exchange).collectFee(MARKET_ID, kind, MAX_UINT256))
          .to.be.revertedWithCustomError(suite.fund, "InsuranceFundAmountTooLarge")
          .withArgs(MAX_UINT256);
      }
      expect(await suite.fund.fundBalance()).to.equal(usdc(1_000));
    });
  });

  describe("recoverToken cannot reach the quote token by another address", () => {
    it("test_recoverToken_secondEntryPointOfTheQuoteToken_reverts", async () => {
      const token = await ethers.deployContract("DualEntryToken");
      const suite = await deployFund(ethers, { token: await token.getAddress() });
      await token.mint(suite.admin.address, usdc(50_000));
      await token.connect(suite.admin).approve(suite.fundAddress, usdc(50_000));
      await suite.fund.connect(suite.admin).deposit(usdc(50_000));
      const secondEntry = await token.secondEntry();
      // 834b281: the whole fund went to the treasury.
      await expect(suite.fund.recoverToken(secondEntry))
        .to.be.revertedWithCustomError(suite.fund, "InsuranceFundRecoveryMovedQuoteToken")
        .withArgs(secondEntry);
      expect(await token.balanceOf(suite.fundAddress)).to.equal(usdc(50_000));
      expect(await token.balanceOf(suite.treasury.address)).to.equal(0n);
    });

    it("test_recoverToken_aStrayTokenStillGoesToTheTreasury", async () => {
      const suite = await deployFund(ethers);
      const stray = await ethers.deployContract("MockUSDC");
      await stray.mint(suite.fundAddress, 7n);
      await expect(suite.fund.recoverToken(await stray.getAddress()))
        .to.emit(suite.fund, "InsuranceFundTokenRecovered")
        .withArgs(await stray.getAddress(), suite.treasury.address, 7n);
    });
  });

  describe("a fund below its floor is never in the top band", () => {
    it("test_targetBands_belowTheFloorWithAShareAboveTheUpperBand_isNotTheTopBand", async () => {
      const policy = await ethers.deployContract("TargetBandsPolicy", [
        {
          lowerBandBps: 200,
          upperBandBps: 500,
          lowTradingFeeShareBps: 2000,
          lowPenaltyShareBps: 4000,
          midPenaltyShareBps: 4000,
        },
      ]);
      // setTarget(1000, 200,000): R = 190,000 / (200,000 / 10 %) = 9.5 %; 834b281 put it in the top band.
      const state = { balance: usdc(190_000), averageOpenInterest: 0n, floor: usdc(200_000), targetShareBps: 1000n };
      expect(await policy.band(state)).to.equal(1n);
      const [fundPart] = await policy.split(1n, usdc(100), state);
      expect(fundPart).to.equal(usdc(40));
      // At the floor the top band is back.
      expect(await policy.band({ ...state, balance: usdc(200_000) })).to.equal(2n);
    });
  });
});
