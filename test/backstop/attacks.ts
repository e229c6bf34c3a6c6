// The known attacks on a staked backstop, each run against a naive ERC-4626 (contracts/test/backstop/doubles/
// NaiveBackstopVault.sol: balance-based, no offset, immediate redemption), where it succeeds, and against
// BackstopVault, where it fails. Figures are in quote units (USDC, 6 decimals).

import { expect } from "chai";
import { network } from "hardhat";

import { BACKSTOP_TERMS, deployBackstop } from "../../lib/backstopFixture.js";
import { DAY, MAX_UINT256, usdc } from "../../lib/units.js";
import { Clock } from "./clock.js";

const { ethers, networkHelpers } = await network.create();

const MARKET = 1n;
/** No daily exit cap: these attacks are about the cooldown, the offset and the stream, not the cap. */
const UNCAPPED = { ...BACKSTOP_TERMS, exitCapBps: 10_000n };

async function deployBoth(terms = UNCAPPED) {
  const suite = await deployBackstop(ethers, terms);
  await suite.vault.connect(suite.governor).setMarketLimit(MARKET, usdc(100_000_000));
  const naive = await ethers.deployContract("NaiveBackstopVault", [await suite.usdc.getAddress(), suite.fund.address]);
  for (const staker of suite.stakers) {
    await suite.usdc.mint(staker.address, usdc(10_000_000));
    await suite.usdc.connect(staker).approve(suite.vaultAddress, MAX_UINT256);
    await suite.usdc.connect(staker).approve(await naive.getAddress(), MAX_UINT256);
  }
  const start = BigInt(await networkHelpers.time.latest()) + DAY;
  await networkHelpers.time.increaseTo(start);
  return { ...suite, naive, naiveAddress: await naive.getAddress(), clock: new Clock(networkHelpers, start) };
}

const both = () => deployBoth();
const capped = () => deployBoth({ ...BACKSTOP_TERMS, exitCapBps: 500n });

describe("BackstopVault: attacks that succeed on a naive ERC-4626", function () {
  it("leaving with a loss visible: on the naive vault the leaver escapes it; here it bears its part", async function () {
    const { vault, naive, usdc: token, stakers, fund, clock } = await networkHelpers.loadFixture(both);
    const [alice, mallory] = stakers;
    for (const v of [vault, naive]) {
      await v.connect(alice).deposit(usdc(100_000), alice.address);
      await v.connect(mallory).deposit(usdc(100_000), mallory.address);
    }
    // A bankrupt account's liquidation is in the mempool: 100,000 of loss. Mallory runs first.
    const naiveBefore = await token.balanceOf(mallory.address);
    await naive.connect(mallory).redeem(await naive.balanceOf(mallory.address), mallory.address, mallory.address);
    await naive.connect(fund).cover(usdc(100_000));
    expect((await token.balanceOf(mallory.address)) - naiveBefore).to.equal(usdc(100_000)); // escaped it all
    expect(await naive.convertToAssets(await naive.balanceOf(alice.address))).to.equal(0n); // Alice bore it all

    // Here the best Mallory can do is ask to leave; the loss lands during her cooldown.
    const before = await token.balanceOf(mallory.address);
    await clock.at(async () =>
      vault.connect(mallory).requestRedeem(await vault.balanceOf(mallory.address), mallory.address, mallory.address),
    );
    await clock.at(() => vault.connect(fund).cover(MARKET, usdc(100_000)));
    await clock.advance(BACKSTOP_TERMS.cooldown);
    await clock.at(async () =>
      vault.connect(mallory).redeem(await vault.maxRedeem(mallory.address), mallory.address, mallory.address),
    );
    const out = (await token.balanceOf(mallory.address)) - before;
    expect(out).to.be.lte(usdc(50_000)); // her half of the loss
    expect(out).to.be.gte(usdc(50_000) - 1n);
    expect(await vault.convertToAssets(await vault.balanceOf(alice.address))).to.be.gte(usdc(50_000) - 1n);
  });

  it("first-depositor inflation by donation: the naive vault's victim loses everything; here the attacker loses the donation", async function () {
    const {
      vault,
      naive,
      usdc: token,
      stakers,
      fund,
      clock,
      vaultAddress,
      naiveAddress,
    } = await networkHelpers.loadFixture(both);
    const [attacker, victim] = stakers;
    const donation = usdc(10_000);
    const deposit = usdc(5_000);
    // Naive: 1 unit for 1 share, a donation makes one share worth 10,000 USDC, the victim's 5,000 buys 0 shares.
    const naiveStart = await token.balanceOf(attacker.address);
    await naive.connect(attacker).deposit(1n, attacker.address);
    await token.connect(attacker).transfer(naiveAddress, donation);
    await naive.connect(victim).deposit(deposit, victim.address);
    expect(await naive.balanceOf(victim.address)).to.equal(0n);
    await naive.connect(attacker).redeem(1n, attacker.address, attacker.address);
    expect((await token.balanceOf(attacker.address)) - naiveStart).to.equal(deposit); // the victim's deposit

    // Here: the donation is not in totalAssets, so the victim's shares are worth its deposit; the donation goes to
    // the fund at the next sweep.
    const start = await token.balanceOf(attacker.address);
    await clock.at(() => vault.connect(attacker).deposit(1n, attacker.address));
    await clock.at(() => token.connect(attacker).transfer(vaultAddress, donation));
    await clock.at(() => vault.connect(victim).deposit(deposit, victim.address));
    expect(await vault.convertToAssets(await vault.balanceOf(victim.address))).to.be.gte(deposit - 1n);
    const fundBefore = await token.balanceOf(fund.address);
    await clock.at(() => vault.sweepDonations());
    expect((await token.balanceOf(fund.address)) - fundBefore).to.equal(donation);
    await clock.at(async () =>
      vault
        .connect(attacker)
        .requestRedeem(await vault.balanceOf(attacker.address), attacker.address, attacker.address),
    );
    await clock.advance(BACKSTOP_TERMS.cooldown);
    await clock.at(async () =>
      vault.connect(attacker).redeem(await vault.maxRedeem(attacker.address), attacker.address, attacker.address),
    );
    // The attack's cost: the whole donation (10,000,000,000 units; its 1 unit came back), for no gain.
    expect(start - (await token.balanceOf(attacker.address))).to.equal(donation);
  });

  it("first-depositor inflation without the internal count: the 10^6 offset alone makes it cost 10^6 times the harm", async function () {
    // The attacker's 1 unit is the only stake when a large income (what a balance-based vault would count from a
    // donation) lands: its 10^6 shares face 10^6 virtual ones, which keep half of it.
    const { vault, usdc: token, stakers, fund, clock } = await networkHelpers.loadFixture(both);
    const [attacker, victim] = stakers;
    await clock.at(() => vault.connect(attacker).deposit(1n, attacker.address));
    const donation = usdc(10_000);
    await clock.at(() => token.connect(attacker).transfer(fund.address, donation));
    await clock.at(() => token.connect(fund).transfer(vault.getAddress(), donation));
    await clock.at(() => vault.connect(fund).notifyIncome(donation));
    await clock.advance(BACKSTOP_TERMS.streamPeriod);
    const deposit = usdc(5_000);
    await clock.at(() => vault.connect(victim).deposit(deposit, victim.address));
    const victimLoss = deposit - (await vault.convertToAssets(await vault.balanceOf(victim.address)));
    const attackerValue = await vault.convertToAssets(await vault.balanceOf(attacker.address));
    // The attacker keeps at most half of what it gave (the cost: 5,000,000,000 units) to make the victim lose one
    // share's rounding: at most 10^-6 of the donation (here 5,000 units, 0.005 USDC).
    expect(attackerValue).to.be.lte(donation / 2n + victimLoss + 1n);
    expect(victimLoss * 1_000_000n).to.be.lte(donation);
  });

  it("deposit just before income and leave after: the naive vault pays the sandwich; here the stream pays ~nothing", async function () {
    const {
      vault,
      naive,
      usdc: token,
      stakers,
      fund,
      clock,
      vaultAddress,
      naiveAddress,
    } = await networkHelpers.loadFixture(both);
    const [alice, mallory] = stakers;
    const income = usdc(10_000);
    await token.mint(fund.address, 2n * income);
    for (const v of [vault, naive]) await v.connect(alice).deposit(usdc(100_000), alice.address);
    // Naive: deposit 900,000, the fee arrives, redeem: 90 % of the fee.
    const naiveStart = await token.balanceOf(mallory.address);
    await naive.connect(mallory).deposit(usdc(900_000), mallory.address);
    await token.connect(fund).transfer(naiveAddress, income);
    await naive.connect(mallory).redeem(await naive.balanceOf(mallory.address), mallory.address, mallory.address);
    expect((await token.balanceOf(mallory.address)) - naiveStart).to.be.gte(usdc(8_999));

    // Here: the income vests over 7 days; Mallory asks to leave in the next block and is paid at most the value then.
    const start = await token.balanceOf(mallory.address);
    await clock.at(() => vault.connect(mallory).deposit(usdc(900_000), mallory.address));
    await clock.at(() => token.connect(fund).transfer(vaultAddress, income));
    await clock.at(() => vault.connect(fund).notifyIncome(income));
    await clock.at(async () =>
      vault.connect(mallory).requestRedeem(await vault.balanceOf(mallory.address), mallory.address, mallory.address),
    );
    await clock.advance(BACKSTOP_TERMS.cooldown);
    await clock.at(async () =>
      vault.connect(mallory).redeem(await vault.maxRedeem(mallory.address), mallory.address, mallory.address),
    );
    const gain = (await token.balanceOf(mallory.address)) - start;
    // One second of a 7-day stream, 90 % of it: 14,880 units (0.015 USDC) at most.
    expect(gain).to.be.lte((income * 9n) / 10n / (BACKSTOP_TERMS.streamPeriod / 1n) + 1n);
  });

  it("a new depositor capturing an older loss's recovery: the naive vault pays it at once; here it streams to those who stay", async function () {
    const {
      vault,
      naive,
      usdc: token,
      stakers,
      fund,
      clock,
      vaultAddress,
      naiveAddress,
    } = await networkHelpers.loadFixture(both);
    const [alice, newcomer] = stakers;
    for (const v of [vault, naive]) await v.connect(alice).deposit(usdc(100_000), alice.address);
    // A loss of 50,000 for both.
    await naive.connect(fund).cover(usdc(50_000));
    await clock.at(() => vault.connect(fund).cover(MARKET, usdc(50_000)));
    // The newcomer deposits at the low price; the loss is recovered (the bankrupt's debt repaid) and sent back.
    const naiveStart = await token.balanceOf(newcomer.address);
    await naive.connect(newcomer).deposit(usdc(50_000), newcomer.address);
    await token.connect(fund).transfer(naiveAddress, usdc(50_000));
    await naive.connect(newcomer).redeem(await naive.balanceOf(newcomer.address), newcomer.address, newcomer.address);
    expect((await token.balanceOf(newcomer.address)) - naiveStart).to.be.gte(usdc(24_999)); // half the recovery

    const start = await token.balanceOf(newcomer.address);
    await clock.at(() => vault.connect(newcomer).deposit(usdc(50_000), newcomer.address));
    await clock.at(() => token.connect(fund).transfer(vaultAddress, usdc(50_000)));
    await clock.at(() => vault.connect(fund).notifyIncome(usdc(50_000)));
    await clock.at(async () =>
      vault
        .connect(newcomer)
        .requestRedeem(await vault.balanceOf(newcomer.address), newcomer.address, newcomer.address),
    );
    await clock.advance(BACKSTOP_TERMS.cooldown);
    await clock.at(async () =>
      vault.connect(newcomer).redeem(await vault.maxRedeem(newcomer.address), newcomer.address, newcomer.address),
    );
    // One second of the recovery's stream, half of it (its half of the stake): 0.04 USDC.
    expect((await token.balanceOf(newcomer.address)) - start).to.be.lte(
      usdc(50_000) / 2n / BACKSTOP_TERMS.streamPeriod + 1n,
    );
    // The rest goes to Alice, who bore the loss.
    await clock.advance(BACKSTOP_TERMS.streamPeriod);
    expect(await vault.convertToAssets(await vault.balanceOf(alice.address))).to.be.gte(usdc(99_999));
  });

  describe("staggered requests keeping a window always open", function () {
    // Twelve accounts of one attacker, 100,000 each, request on twelve consecutive days and again as each request
    // lapses (10-day cooldown, 2-day window): every day two of them can claim at once. When a loss becomes visible,
    // they take out what is claimable before it lands. Honest stakers hold 200,000.
    const ACCOUNTS = 12;
    const EACH = usdc(100_000);

    async function exitBeforeLoss(deploy: typeof both) {
      const { vault, stakers, fund, clock } = await networkHelpers.loadFixture(deploy);
      const attackers = stakers.slice(1, 1 + ACCOUNTS);
      await clock.at(() => vault.connect(stakers[0]).deposit(usdc(200_000), stakers[0].address));
      const shares: bigint[] = [];
      for (const a of attackers) {
        await clock.at(() => vault.connect(a).deposit(EACH, a.address));
        shares.push(await vault.balanceOf(a.address));
      }
      const day0 = clock.now;
      for (let day = 0; day < 30; day++) {
        const a = attackers[day % ACCOUNTS];
        await clock.advance(day0 + BigInt(day) * DAY - clock.now + 1n);
        await clock.at(() => vault.connect(a).requestRedeem(shares[day % ACCOUNTS], a.address, a.address));
      }
      // Half a day later a loss of 300,000 is visible: every attacker that can claim does, before it lands.
      await clock.advance(DAY / 2n);
      const totalBefore = await vault.totalAssets();
      let taken = 0n;
      let claimable = 0;
      for (const a of attackers) {
        const max = await vault.maxRedeem(a.address);
        if ((await vault.claimableRedeemRequest(0n, a.address)) > 0n) claimable++;
        if (max === 0n) continue;
        const receipt = await clock.at(() => vault.connect(a).redeem(max, a.address, a.address));
        const log = receipt.logs.map((l) => vault.interface.parseLog(l)).find((l) => l?.name === "Withdraw");
        taken += log!.args.assets;
      }
      await clock.at(() => vault.connect(fund).cover(MARKET, usdc(300_000)));
      return { taken, totalBefore, claimable };
    }

    it("without a cap, two accounts' whole stakes leave right before the loss", async function () {
      const { taken, claimable } = await exitBeforeLoss(both);
      expect(claimable).to.equal(2);
      expect(taken).to.be.gte(2n * EACH - 2n);
    });

    it("with a cap of 5 % a day, what leaves before the loss is at most 5 % of the assets", async function () {
      const { taken, totalBefore, claimable } = await exitBeforeLoss(capped);
      expect(claimable).to.equal(2);
      expect(taken).to.be.lte((totalBefore * 500n) / 10_000n);
      expect(taken).to.be.gte((totalBefore * 500n) / 10_000n - 2n);
    });
  });
});
