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
            const lapsed = model.status(next, staker.address) === "lapsed";
            const balance = model.sharesOf(staker.address) + (lapsed ? model.requests.get(staker.address)!.shares : 0n);
            if (balance === 0n) continue;
            const shares = random.between(1n, balance);
            const controller = random.chance(1, 4) ? addresses[(index + 1) % 4] : staker.address;
            if (model.status(next, controller) === "lapsed") totals.lapses++;
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
              expect(eventOf(suite, receipt, "Withdraw").assets).to.equal(model.redeem(clock.now, staker.address, shares));
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
});
