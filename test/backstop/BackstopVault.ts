import { expect } from "chai";
import { network } from "hardhat";

import { BACKSTOP_TERMS, type BackstopSuite, deployBackstop } from "../../lib/backstopFixture.js";
import { BackstopModel } from "../../lib/model/backstop.js";
import { Prng } from "../../lib/prng.js";
import { DAY, MAX_UINT256, usdc } from "../../lib/units.js";
import { Clock, eventOf } from "./clock.js";

const { ethers, networkHelpers } = await network.create();

const MARKET = 1n;
const START = 1_900_000_000n;

async function deployed() {
  const suite = await deployBackstop(ethers);
  await suite.vault.connect(suite.governor).setMarketLimit(MARKET, usdc(1_000_000));
  for (const staker of suite.stakers.slice(0, 4)) {
    await suite.usdc.mint(staker.address, usdc(1_000_000_000));
    await suite.usdc.connect(staker).approve(suite.vaultAddress, MAX_UINT256);
  }
  await networkHelpers.time.increaseTo(START);
  return suite;
}

/** The suite, a clock at START and a model in the same state (a market limit of 1,000,000 USDC). */
async function withModel() {
  const suite = await networkHelpers.loadFixture(deployed);
  const model = new BackstopModel({ ...BACKSTOP_TERMS });
  model.setLimit(MARKET, usdc(1_000_000));
  return { suite, model, clock: new Clock(networkHelpers, START) };
}

type World = Awaited<ReturnType<typeof withModel>>;

async function deposit(world: World, index: number, assets: bigint): Promise<bigint> {
  const { suite, model, clock } = world;
  const staker = suite.stakers[index];
  const receipt = await clock.at(() => suite.vault.connect(staker).deposit(assets, staker.address));
  const shares = model.deposit(clock.now, staker.address, assets);
  expect(eventOf(suite, receipt, "Deposit").shares).to.equal(shares);
  return shares;
}

async function requestAll(world: World, index: number): Promise<void> {
  const { suite, model, clock } = world;
  const staker = suite.stakers[index];
  const shares = await suite.vault.balanceOf(staker.address);
  await clock.at(() => suite.vault.connect(staker).requestRedeem(shares, staker.address, staker.address));
  model.requestRedeem(clock.now, staker.address, staker.address, shares);
}

async function cover(world: World, amount: bigint): Promise<bigint> {
  const { suite, model, clock } = world;
  const receipt = await clock.at(() => suite.vault.connect(suite.fund).cover(MARKET, amount));
  const paid = model.cover(clock.now, MARKET, amount);
  expect(eventOf(suite, receipt, "Covered").paid).to.equal(paid);
  return paid;
}

async function notifyIncome(world: World, amount: bigint): Promise<void> {
  const { suite, model, clock } = world;
  await clock.at(() => suite.usdc.mint(suite.vaultAddress, amount));
  await clock.at(() => suite.vault.connect(suite.fund).notifyIncome(amount));
  model.notifyIncome(clock.now, amount);
}

async function redeemMax(world: World, index: number): Promise<bigint> {
  const { suite, model, clock } = world;
  const staker = suite.stakers[index];
  const shares = model.maxRedeem(clock.now + 1n, staker.address);
  const receipt = await clock.at(() => suite.vault.connect(staker).redeem(shares, staker.address, staker.address));
  const assets = model.redeem(clock.now, staker.address, shares);
  expect(eventOf(suite, receipt, "Withdraw").assets).to.equal(assets);
  return assets;
}

/** Every view the model also answers, at the latest block. */
async function expectMatches(world: World, who: string[]): Promise<void> {
  const { suite, model, clock } = world;
  const now = clock.now;
  expect(await suite.vault.totalAssets(), "totalAssets").to.equal(model.totalAssets(now));
  expect(await suite.vault.totalSupply(), "totalSupply").to.equal(model.supply);
  expect(await suite.vault.unvestedIncome(), "unvestedIncome").to.equal(model.unvested - model.vested(now));
  expect(await suite.vault.lockedShares(), "lockedShares").to.equal(model.lockedShares());
  expect(await suite.vault.balanceOf(suite.vaultAddress), "vault's shares").to.equal(model.sharesOf("vault"));
  expect(await suite.usdc.balanceOf(suite.vaultAddress), "tokens").to.equal(model.tokens);
  expect(await suite.vault.coverable(MARKET), "coverable").to.equal(model.coverable(now, MARKET));
  expect(await suite.vault.exitCapLeft(), "exitCapLeft").to.equal(model.exitCapLeft(now));
  for (const address of who) {
    expect(await suite.vault.balanceOf(address), "balanceOf").to.equal(model.sharesOf(address));
    expect(await suite.vault.maxRedeem(address), "maxRedeem").to.equal(model.maxRedeem(now, address));
    expect(await suite.vault.maxWithdraw(address), "maxWithdraw").to.equal(model.maxWithdraw(now, address));
    const status = model.status(now, address);
    const shares = model.requests.get(address)?.shares ?? 0n;
    expect(await suite.vault.pendingRedeemRequest(0n, address)).to.equal(status === "pending" ? shares : 0n);
    expect(await suite.vault.claimableRedeemRequest(0n, address)).to.equal(status === "claimable" ? shares : 0n);
  }
}

describe("BackstopVault", function () {
  describe("against the model over random steps", function () {
    const SEQUENCES = 4;
    const STEPS = 90;
    const totals = { deposits: 0, requests: 0, claims: 0, covers: 0, incomes: 0, lapses: 0, cappedClaims: 0 };
    after(function () {
      if (process.env.BACKSTOP_STATS) console.log(JSON.stringify(totals));
      expect(totals.deposits).to.be.greaterThan(30);
      expect(totals.requests).to.be.greaterThan(20);
      expect(totals.claims).to.be.greaterThan(8);
      expect(totals.cappedClaims).to.be.greaterThan(2);
      expect(totals.covers).to.be.greaterThan(15);
      expect(totals.incomes).to.be.greaterThan(15);
      expect(totals.lapses).to.be.greaterThan(2);
    });

    for (let sequence = 0; sequence < SEQUENCES; sequence++) {
      it(`matches the model exactly: sequence ${sequence}`, async function () {
        const random = new Prng(`backstop-${sequence}`);
        const world = await withModel();
        const { suite, model, clock } = world;
        const stakers = suite.stakers.slice(0, 4);
        const addresses = stakers.map((s) => s.address);
        const amount = () => random.between(1n, 10n ** BigInt(random.int(12) + 1));

        for (let step = 0; step < STEPS; step++) {
          const index = random.int(stakers.length);
          const staker = stakers[index];
          const kind = random.int(15);
          const next = clock.now + 1n;
          if (kind <= 1) {
            await deposit(world, index, amount());
            totals.deposits++;
          } else if (kind === 2) {
            const shares = model.convertToShares(next, amount());
            const receipt = await clock.at(() => suite.vault.connect(staker).mint(shares, staker.address));
            expect(eventOf(suite, receipt, "Deposit").assets).to.equal(model.mint(clock.now, staker.address, shares));
            totals.deposits++;
          } else if (kind === 3 || kind === 4) {
            // Another controller only when it has no open request (adding to one is the controller's alone).
            const other = addresses[(index + 1) % 4];
            const otherFree = ["none", "lapsed"].includes(model.status(next, other));
            const controller = otherFree && random.chance(1, 3) ? other : staker.address;
            // A lapsed request of the controller comes back to it first: its own shares then count.
            const lapsed = model.status(next, controller) === "lapsed";
            const returned = lapsed && controller === staker.address ? model.requests.get(controller)!.shares : 0n;
            const balance = model.sharesOf(staker.address) + returned;
            if (balance === 0n) continue;
            const shares = random.between(1n, balance);
            if (lapsed) totals.lapses++;
            await clock.at(() => suite.vault.connect(staker).requestRedeem(shares, controller, staker.address));
            model.requestRedeem(clock.now, staker.address, controller, shares);
            totals.requests++;
          } else if (kind >= 5 && kind <= 7) {
            // Half the time a pending request waits for its window first.
            const pending = model.requests.get(staker.address);
            if (model.status(next, staker.address) === "pending" && random.chance(3, 4)) {
              const opens = pending!.requestedAt + BACKSTOP_TERMS.cooldown + random.below(DAY);
              if (opens - 1n > clock.now) await clock.advance(opens - 1n - clock.now);
            }
            const max = model.maxRedeem(clock.now + 1n, staker.address);
            if (max === 0n) continue;
            const request = model.requests.get(staker.address)!;
            if (max < request.shares) totals.cappedClaims++;
            if (random.chance(1, 2)) {
              const shares = random.chance(1, 2) ? max : random.between(1n, max);
              const receipt = await clock.at(() =>
                suite.vault.connect(staker).redeem(shares, staker.address, staker.address),
              );
              expect(eventOf(suite, receipt, "Withdraw").assets).to.equal(
                model.redeem(clock.now, staker.address, shares),
              );
            } else {
              const maxAssets = model.maxWithdraw(clock.now + 1n, staker.address);
              const assets = random.chance(1, 2) ? maxAssets : random.between(0n, maxAssets);
              const before = await suite.usdc.balanceOf(staker.address);
              const receipt = await clock.at(() =>
                suite.vault.connect(staker).withdraw(assets, staker.address, staker.address),
              );
              if (assets > 0n) {
                expect(eventOf(suite, receipt, "Withdraw").shares).to.equal(
                  model.withdraw(clock.now, staker.address, assets),
                );
              }
              expect((await suite.usdc.balanceOf(staker.address)) - before).to.equal(assets);
            }
            totals.claims++;
          } else if (kind === 8) {
            await cover(world, random.chance(1, 4) ? MAX_UINT256 : amount());
            totals.covers++;
          } else if (kind === 9) {
            await notifyIncome(world, amount());
            totals.incomes++;
          } else if (kind === 10) {
            if (random.chance(1, 2)) {
              const donation = amount();
              await clock.at(() => suite.usdc.mint(suite.vaultAddress, donation));
              model.donate(donation);
            } else {
              const receipt = await clock.at(() => suite.vault.sweepDonations());
              const swept = model.sweep();
              if (swept > 0n) expect(eventOf(suite, receipt, "DonationsSwept").amount).to.equal(swept);
            }
          } else if (kind === 11) {
            const balance = model.sharesOf(staker.address);
            if (balance === 0n) continue;
            const to = addresses[random.int(4)];
            const shares = random.between(1n, balance);
            await clock.at(() => suite.vault.connect(staker).transfer(to, shares));
            model.transfer(staker.address, to, shares);
          } else if (kind === 12) {
            if (model.status(next, staker.address) !== "lapsed") continue;
            await clock.at(() => suite.vault.reclaimLapsed(staker.address));
            model.reclaimLapsed(clock.now, staker.address);
            totals.lapses++;
          } else {
            await clock.advance(random.chance(1, 2) ? BACKSTOP_TERMS.cooldown : 1n + random.below(3n * DAY));
          }
          await expectMatches(world, addresses);
        }
      });
    }
  });

  describe("EIP-4626 and EIP-7540 properties over random amounts (a16z suite style)", function () {
    /** A vault with two stakers, vested income and a loss behind it: a share is worth neither 0 nor 1e-6 exactly. */
    async function settled(seed: string) {
      const world = await withModel();
      const random = new Prng(seed);
      await deposit(world, 0, random.between(usdc(1_000), usdc(5_000_000)));
      await deposit(world, 1, random.between(1n, usdc(1_000_000)));
      await notifyIncome(world, random.between(1n, usdc(200_000)));
      await world.clock.advance(BACKSTOP_TERMS.streamPeriod);
      await cover(world, random.between(1n, usdc(300_000)));
      return { world, random };
    }

    const CASES = 6;
    for (let c = 0; c < CASES; c++) {
      it(`previews equal the deposit and the mint, conversions are monotone and round toward the vault: case ${c}`, async function () {
        const { world, random } = await settled(`backstop-properties-${c}`);
        const { suite, model, clock } = world;
        const vault = suite.vault;
        const staker = suite.stakers[2];
        for (let i = 0; i < 5; i++) {
          const a = random.between(1n, usdc(10_000_000));
          const b = a + random.below(usdc(1_000));
          // Monotone, and the two conversions agree with the model.
          expect(await vault.convertToShares(a)).to.equal(model.convertToShares(clock.now, a));
          expect(await vault.convertToShares(b)).to.be.gte(await vault.convertToShares(a));
          expect(await vault.convertToAssets(b)).to.be.gte(await vault.convertToAssets(a));
          // Round trips never profit: shares for a deposit are worth at most it, a mint costs at least the shares.
          const shares = await vault.previewDeposit(a);
          expect(await vault.convertToAssets(shares)).to.be.lte(a);
          expect(await vault.previewMint(shares)).to.be.lte(a);
          expect(await vault.previewMint(a)).to.be.gte(await vault.convertToAssets(a));
          expect(await vault.convertToShares(await vault.previewMint(a))).to.be.gte(a);
          // preview == actual (no income streams, so the price does not move between the two blocks).
          const receipt = await clock.at(() => vault.connect(staker).deposit(a, staker.address));
          expect(eventOf(suite, receipt, "Deposit").shares).to.equal(shares);
          model.deposit(clock.now, staker.address, a);
          const cost = await vault.previewMint(a);
          const minted = await clock.at(() => vault.connect(staker).mint(a, staker.address));
          expect(eventOf(suite, minted, "Deposit").assets).to.equal(cost);
          model.mint(clock.now, staker.address, a);
        }
        expect(await vault.maxDeposit(staker.address)).to.equal(MAX_UINT256);
        expect(await vault.maxMint(staker.address)).to.equal(MAX_UINT256);
      });

      it(`deposit, request and claim never returns more than went in; max* are claimable exactly: case ${c}`, async function () {
        const { world, random } = await settled(`backstop-round-trip-${c}`);
        const { suite, model, clock } = world;
        const vault = suite.vault;
        const staker = suite.stakers[2];
        const assets = random.between(1n, usdc(2_000_000));
        const before = await suite.usdc.balanceOf(staker.address);
        await deposit(world, 2, assets);
        await requestAll(world, 2);
        if (random.chance(1, 2)) await notifyIncome(world, random.between(1n, usdc(100_000)));
        await clock.advance(BACKSTOP_TERMS.cooldown + random.below(DAY));
        // Claim in up to three days, each within its day's cap.
        for (let day = 0; day < 3 && model.requests.get(staker.address)!.shares > 0n; day++) {
          const maxShares = await vault.maxRedeem(staker.address);
          if (maxShares > 0n) {
            await expect(
              vault.connect(staker).redeem.staticCall(maxShares + 1n, staker.address, staker.address),
            ).to.be.revertedWithCustomError(vault, "ERC4626ExceededMaxRedeem");
            if (random.chance(1, 2)) {
              await redeemMax(world, 2);
            } else {
              const maxAssets = await vault.maxWithdraw(staker.address);
              await clock.at(() => vault.connect(staker).withdraw(maxAssets, staker.address, staker.address));
              model.withdraw(clock.now, staker.address, maxAssets);
            }
          }
          await clock.advance(DAY / 2n);
        }
        const out = (await suite.usdc.balanceOf(staker.address)) - (before - assets);
        expect(out).to.be.lte(assets);
        await expectMatches(world, [staker.address]);
      });
    }

    it("previewRedeem and previewWithdraw revert: redemption is asynchronous", async function () {
      const { suite } = await withModel();
      await expect(suite.vault.previewRedeem(1n)).to.be.revertedWithCustomError(
        suite.vault,
        "BackstopVaultAsyncRedeem",
      );
      await expect(suite.vault.previewWithdraw(1n)).to.be.revertedWithCustomError(
        suite.vault,
        "BackstopVaultAsyncRedeem",
      );
    });
  });

  describe("leaving", function () {
    it("test_requestRedeem_locksTheShares: they leave the owner, cannot be sent back to the vault, and wait", async function () {
      const world = await withModel();
      const { suite, clock } = world;
      const [alice, bob] = suite.stakers;
      const shares = await deposit(world, 0, usdc(1_000));
      const receipt = await clock.at(() =>
        suite.vault.connect(alice).requestRedeem(shares / 2n, alice.address, alice.address),
      );
      const event = eventOf(suite, receipt, "RedeemRequest");
      expect(event.controller).to.equal(alice.address);
      expect(event.shares).to.equal(shares / 2n);
      const id = event.requestId;
      const request = await suite.vault.redeemRequest(alice.address);
      expect([request.id, request.shares, request.requestedAt]).to.deep.equal([id, shares / 2n, clock.now]);
      expect(request.assets).to.equal(usdc(1_000) / 2n);
      expect(await suite.vault.balanceOf(alice.address)).to.equal(shares - shares / 2n);
      expect(await suite.vault.pendingRedeemRequest(id, alice.address)).to.equal(shares / 2n);
      expect(await suite.vault.pendingRedeemRequest(id + 1n, alice.address)).to.equal(0n);
      expect(await suite.vault.claimableRedeemRequest(id, alice.address)).to.equal(0n);
      expect(await suite.vault.maxRedeem(alice.address)).to.equal(0n);
      await expect(suite.vault.connect(alice).transfer(suite.vaultAddress, 1n)).to.be.revertedWithCustomError(
        suite.vault,
        "BackstopVaultSharesToVault",
      );
      await expect(
        suite.vault.connect(alice).transferFrom(alice.address, suite.vaultAddress, 1n),
      ).to.be.revertedWithCustomError(suite.vault, "BackstopVaultSharesToVault");
      await suite.vault.connect(alice).approve(bob.address, 1n);
      await suite.vault.connect(bob).transferFrom(alice.address, bob.address, 1n);
      expect(await suite.vault.balanceOf(bob.address)).to.equal(1n);
      await expect(suite.vault.connect(bob).deposit(1n, suite.vaultAddress)).to.be.revertedWithCustomError(
        suite.vault,
        "BackstopVaultSharesToVault",
      );
      await expect(suite.vault.connect(alice).redeem(1n, alice.address, alice.address)).to.be.revertedWithCustomError(
        suite.vault,
        "ERC4626ExceededMaxRedeem",
      );
      await expect(suite.vault.connect(alice).withdraw(1n, alice.address, alice.address)).to.be.revertedWithCustomError(
        suite.vault,
        "ERC4626ExceededMaxWithdraw",
      );
      // Zero is always claimable, and pays nothing.
      await suite.vault.connect(alice).redeem(0n, alice.address, alice.address);
      await suite.vault.connect(alice).withdraw(0n, alice.address, alice.address);
      expect(await suite.vault.supportsInterface("0x620ee8e4")).to.equal(true);
      expect(await suite.vault.supportsInterface("0xe3bc4e65")).to.equal(true);
      expect(await suite.vault.supportsInterface("0x01ffc9a7")).to.equal(true);
      expect(await suite.vault.supportsInterface("0xffffffff")).to.equal(false);
      expect(await suite.vault.decimals()).to.equal(12n);
    });

    it("test_requestRedeem_checksItsCaller: owner, operator or allowance; controllers claim", async function () {
      const world = await withModel();
      const { suite } = world;
      const [alice, bob, carol] = suite.stakers;
      const shares = await deposit(world, 0, usdc(1_000));
      await expect(
        suite.vault.connect(alice).requestRedeem(0n, alice.address, alice.address),
      ).to.be.revertedWithCustomError(suite.vault, "BackstopVaultZeroShares");
      await expect(
        suite.vault.connect(alice).requestRedeem(1n, ethers.ZeroAddress, alice.address),
      ).to.be.revertedWithCustomError(suite.vault, "BackstopVaultZeroController");
      await expect(
        suite.vault.connect(bob).requestRedeem(1n, bob.address, alice.address),
      ).to.be.revertedWithCustomError(suite.vault, "ERC20InsufficientAllowance");
      await suite.vault.connect(alice).approve(bob.address, 10n);
      await suite.vault.connect(bob).requestRedeem(10n, bob.address, alice.address);
      expect(await suite.vault.allowance(alice.address, bob.address)).to.equal(0n);
      await expect(suite.vault.connect(alice).setOperator(alice.address, true)).to.be.revertedWithCustomError(
        suite.vault,
        "BackstopVaultSelfOperator",
      );
      await expect(suite.vault.connect(alice).setOperator(carol.address, true))
        .to.emit(suite.vault, "OperatorSet")
        .withArgs(alice.address, carol.address, true);
      expect(await suite.vault.isOperator(alice.address, carol.address)).to.equal(true);
      // Nobody but Alice or her operator may add to (and so restart) her open request.
      await suite.vault.connect(alice).requestRedeem(10n, alice.address, alice.address);
      await expect(suite.vault.connect(bob).requestRedeem(1n, alice.address, bob.address))
        .to.be.revertedWithCustomError(suite.vault, "BackstopVaultNotController")
        .withArgs(bob.address, alice.address);
      await suite.vault.connect(carol).requestRedeem(shares - 20n, alice.address, alice.address);
      await networkHelpers.time.increase(BACKSTOP_TERMS.cooldown);
      await expect(suite.vault.connect(bob).redeem(1n, bob.address, alice.address)).to.be.revertedWithCustomError(
        suite.vault,
        "BackstopVaultNotController",
      );
      await suite.vault.connect(carol).redeem(1n, carol.address, alice.address);
      await suite.vault.connect(bob).redeem(1n, bob.address, bob.address);
    });

    it("test_request_lapsesAfterItsWindow: the shares come back, to the controller, by anyone or by a new request", async function () {
      const world = await withModel();
      const { suite, model, clock } = world;
      const [alice, bob] = suite.stakers;
      await deposit(world, 0, usdc(1_000));
      await requestAll(world, 0);
      await expect(suite.vault.reclaimLapsed(alice.address)).to.be.revertedWithCustomError(
        suite.vault,
        "BackstopVaultNoLapsedRequest",
      );
      await clock.advance(BACKSTOP_TERMS.cooldown + BACKSTOP_TERMS.window);
      expect(await suite.vault.maxRedeem(alice.address)).to.equal(0n);
      const shares = model.requests.get(alice.address)!.shares;
      const receipt = await clock.at(() => suite.vault.connect(bob).reclaimLapsed(alice.address));
      expect(eventOf(suite, receipt, "RedeemRequestLapsed").shares).to.equal(shares);
      model.reclaimLapsed(clock.now, alice.address);
      // A new request after a lapse starts a fresh id.
      await requestAll(world, 0);
      await clock.advance(BACKSTOP_TERMS.cooldown + BACKSTOP_TERMS.window);
      const again = await clock.at(() => suite.vault.connect(alice).requestRedeem(1n, alice.address, alice.address));
      expect(eventOf(suite, again, "RedeemRequestLapsed").shares).to.equal(shares);
      model.requestRedeem(clock.now, alice.address, alice.address, 1n);
      await expectMatches(world, [alice.address]);
    });

    it("test_claim_paysTheSmallerValue: a loss during the cooldown is borne, income after the request is not earned", async function () {
      const world = await withModel();
      const { suite, model, clock } = world;
      const [alice] = suite.stakers;
      await deposit(world, 0, usdc(100_000));
      await deposit(world, 1, usdc(100_000));
      // Alice asks to leave, then a loss of a quarter: she bears her part.
      await requestAll(world, 0);
      const valueAtRequest = model.requests.get(alice.address)!.assets;
      await cover(world, usdc(50_000));
      await clock.advance(BACKSTOP_TERMS.cooldown);
      const paidAfterLoss = await redeemMax(world, 0);
      expect(paidAfterLoss).to.be.lessThan((valueAtRequest * 8n) / 10n);
      // Bob asks to leave, then income doubles the vault: he gets only his value at the request.
      await clock.advance(DAY);
      await requestAll(world, 1);
      const bobAtRequest = model.requests.get(suite.stakers[1].address)!.assets;
      await notifyIncome(world, usdc(500_000));
      await clock.advance(BACKSTOP_TERMS.cooldown);
      let bobPaid = 0n;
      for (let day = 0; day < 2; day++) {
        bobPaid += await redeemMax(world, 1);
        await clock.advance(DAY / 2n);
      }
      expect(bobPaid).to.be.lte(bobAtRequest);
      await expectMatches(world, [alice.address, suite.stakers[1].address]);
    });

    it("test_claims_areCappedPerDay", async function () {
      const world = await withModel();
      const { suite, model, clock } = world;
      await deposit(world, 0, usdc(100_000));
      await deposit(world, 1, usdc(100_000));
      await requestAll(world, 0);
      await clock.advance(BACKSTOP_TERMS.cooldown);
      const cap = (model.totalAssets(clock.now + 1n) * BACKSTOP_TERMS.exitCapBps) / 10_000n;
      const paid = await redeemMax(world, 0);
      expect(paid).to.be.lte(cap);
      expect(cap - paid).to.be.lessThan(10n);
      expect(await suite.vault.maxRedeem(suite.stakers[0].address)).to.equal(0n);
      await clock.advance(DAY);
      expect(await suite.vault.maxRedeem(suite.stakers[0].address)).to.be.greaterThan(0n);
      await expectMatches(world, [suite.stakers[0].address]);
    });
  });

  describe("the fund's side", function () {
    it("test_cover_paysWithinTheLimitAndAboveTheMinimum_neverReverts", async function () {
      const world = await withModel();
      const { suite, clock } = world;
      await expect(suite.vault.connect(suite.stranger).cover(MARKET, 1n))
        .to.be.revertedWithCustomError(suite.vault, "BackstopVaultNotFund")
        .withArgs(suite.stranger.address);
      expect(await cover(world, usdc(1))).to.equal(0n); // empty vault: 0, no revert
      await deposit(world, 0, usdc(5_000));
      const before = await suite.usdc.balanceOf(suite.fund.address);
      expect(await cover(world, usdc(1_000))).to.equal(usdc(1_000));
      expect(await cover(world, MAX_UINT256)).to.equal(usdc(3_000)); // down to the 1,000 minimum
      expect(await cover(world, 1n)).to.equal(0n);
      expect((await suite.usdc.balanceOf(suite.fund.address)) - before).to.equal(usdc(4_000));
      expect(await suite.vault.marketLimit(MARKET)).to.deep.equal([usdc(1_000_000), usdc(4_000)]);
      // The market's limit binds too, and cannot go below what was paid.
      await expect(suite.vault.connect(suite.governor).setMarketLimit(MARKET, usdc(3_999)))
        .to.be.revertedWithCustomError(suite.vault, "BackstopVaultLimitBelowPaid")
        .withArgs(MARKET, usdc(3_999), usdc(4_000));
      await clock.at(() => suite.vault.connect(suite.governor).setMarketLimit(MARKET, usdc(4_500)));
      world.model.setLimit(MARKET, usdc(4_500));
      await deposit(world, 0, usdc(5_000));
      expect(await cover(world, MAX_UINT256)).to.equal(usdc(500));
      expect(await suite.vault.coverable(MARKET + 1n)).to.equal(0n); // no limit set: nothing
      await expectMatches(world, []);
    });

    it("test_notifyIncome_streamsLinearly_andChecksTheTokens", async function () {
      const world = await withModel();
      const { suite, model, clock } = world;
      await deposit(world, 0, usdc(10_000));
      await expect(suite.vault.connect(suite.stranger).notifyIncome(1n)).to.be.revertedWithCustomError(
        suite.vault,
        "BackstopVaultNotFund",
      );
      await expect(suite.vault.connect(suite.fund).notifyIncome(1n)).to.be.revertedWithCustomError(
        suite.vault,
        "BackstopVaultIncomeNotReceived",
      );
      await notifyIncome(world, usdc(7_000));
      await clock.advance(BACKSTOP_TERMS.streamPeriod / 7n);
      expect(await suite.vault.totalAssets()).to.equal(usdc(11_000));
      // A second payment joins what is left, all of it over a new period.
      await notifyIncome(world, usdc(1_000));
      expect(model.streamEnd).to.equal(clock.now + BACKSTOP_TERMS.streamPeriod);
      await clock.advance(BACKSTOP_TERMS.streamPeriod);
      expect(await suite.vault.totalAssets()).to.equal(usdc(18_000));
      expect(await suite.vault.unvestedIncome()).to.equal(0n);
      await expectMatches(world, []);
    });

    it("test_donation_changesNoPrice_andIsSweptToTheFund", async function () {
      const world = await withModel();
      const { suite, model, clock } = world;
      await deposit(world, 0, usdc(10_000));
      await notifyIncome(world, usdc(1_000));
      const price = await suite.vault.convertToAssets(10n ** 12n);
      await clock.at(() => suite.usdc.mint(suite.vaultAddress, usdc(50_000)));
      model.donate(usdc(50_000));
      expect(await suite.vault.convertToAssets(10n ** 12n)).to.be.lte(price + 1n); // only the stream moves it
      const before = await suite.usdc.balanceOf(suite.fund.address);
      await clock.at(() => suite.vault.sweepDonations());
      expect(model.sweep()).to.equal(usdc(50_000));
      expect((await suite.usdc.balanceOf(suite.fund.address)) - before).to.equal(usdc(50_000));
      await clock.at(() => suite.vault.sweepDonations()); // nothing left: no transfer, no revert
      await expectMatches(world, []);
    });
  });

  describe("governance", function () {
    it("test_setters_areRestricted_andBounded", async function () {
      const { suite } = await withModel();
      const { vault, governor, stranger } = suite;
      for (const call of [
        () => vault.connect(stranger).setMarketLimit(MARKET, 1n),
        () => vault.connect(stranger).setMinimumAssets(1n),
        () => vault.connect(stranger).setExitTerms(1n, 1n, 1n),
        () => vault.connect(stranger).setStreamPeriod(1n),
      ]) {
        await expect(call()).to.be.revertedWithCustomError(vault, "AccessManagedUnauthorized");
      }
      await expect(vault.connect(governor).setMinimumAssets(usdc(5)))
        .to.emit(vault, "MinimumAssetsSet")
        .withArgs(usdc(5));
      await expect(vault.connect(governor).setExitTerms(DAY, DAY, 500n))
        .to.emit(vault, "ExitTermsSet")
        .withArgs(DAY, DAY, 500n);
      await expect(vault.connect(governor).setStreamPeriod(DAY)).to.emit(vault, "StreamPeriodSet").withArgs(DAY);
      expect(await vault.terms()).to.deep.equal([DAY, DAY, DAY, 500n, usdc(5)]);
      const year = 365n * DAY;
      for (const [cooldown, window, cap] of [
        [0n, 0n, 1n],
        [0n, year + 1n, 1n],
        [year + 1n, 1n, 1n],
        [0n, 1n, 0n],
        [0n, 1n, 10_001n],
      ]) {
        await expect(vault.connect(governor).setExitTerms(cooldown, window, cap))
          .to.be.revertedWithCustomError(vault, "BackstopVaultInvalidExitTerms")
          .withArgs(cooldown, window, cap);
      }
      for (const period of [0n, year + 1n]) {
        await expect(vault.connect(governor).setStreamPeriod(period))
          .to.be.revertedWithCustomError(vault, "BackstopVaultInvalidStreamPeriod")
          .withArgs(period);
      }
      await expect(
        ethers.deployContract("BackstopVault", [
          await suite.usdc.getAddress(),
          await suite.manager.getAddress(),
          ethers.ZeroAddress,
          "b",
          "b",
          BACKSTOP_TERMS,
        ]),
      ).to.be.revertedWithCustomError(vault, "BackstopVaultZeroFund");
      expect(await vault.fund()).to.equal(suite.fund.address);
    });
  });
});
