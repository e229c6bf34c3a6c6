// The typed client against the suite on the in-process chain: reads, paged history, keeper actions, the
// governance operations (schedule, wait, execute, cancel), and the optional parts a fund may lack.
import { expect } from "chai";
import { network } from "hardhat";

import { encodeCallText, eventKind, FundClientError, InsuranceFundClient } from "../../client/index.js";
import LocalSuite from "../../deploy/modules/LocalSuite.js";
import { DAY, MAX_UINT128, usdc, wad } from "../../lib/units.js";
import { expectRejection, LOCAL_PARAMETERS, readParameters } from "../helpers/deployment.js";

const { ethers, ignition, networkHelpers } = await network.create();
const ETH_PERP = 1n;

/** LocalSuite with a one-day governance delay, a 10,000 USDC deposit and one trade (a fee to split). */
async function suiteInUse() {
  const local = await readParameters(LOCAL_PARAMETERS);
  const [deployer, , , , , alice, admin] = await ethers.getSigners();
  const parameters = {
    ...local,
    $global: { ...local.$global, governanceDelay: DAY, admin: admin.address, revokeAdminFrom: deployer.address },
  };
  const deployed = await ignition.deploy(LocalSuite, { parameters });
  const fundAddress = await deployed.fund.getAddress();
  const exchangeAddress = await deployed.exchange.getAddress();
  const token = await ethers.getContractAt("MockUSDC", await deployed.usdc.getAddress());
  const fund = await ethers.getContractAt("InsuranceFund", fundAddress);
  const exchange = await ethers.getContractAt("ReferenceExchange", exchangeAddress);
  await token.mint(deployer.address, usdc(10_000));
  await token.approve(fundAddress, usdc(10_000));
  await fund.deposit(usdc(10_000));
  await token.mint(alice.address, usdc(1_000));
  await token.connect(alice).approve(exchangeAddress, usdc(1_000));
  await exchange.connect(alice).deposit(ETH_PERP, usdc(1_000));
  await exchange.connect(alice).trade(ETH_PERP, wad(4));
  const feed = await ethers.getContractAt("MockPriceFeed", await deployed.feed.getAddress());
  return { fundAddress, exchangeAddress, exchange, feed, alice };
}

describe("client", function () {
  this.timeout(120_000);

  it("test_client_readsHealthParametersMarketsAndGovernance", async () => {
    const { fundAddress, exchangeAddress } = await networkHelpers.loadFixture(suiteInUse);
    const client = await InsuranceFundClient.connect(ethers.provider, fundAddress);
    expect(client.token.symbol).to.equal("USDC");
    expect(client.token.decimals).to.equal(6);
    const health = await client.health();
    // 10,000 deposited; 20 % of the 8 USDC fee (Spin's lowest band) to the fund, 6.4 accrued to the treasury.
    expect(health.balance).to.equal(usdc("10001.6"));
    expect(health.treasuryAccrued).to.equal(usdc("6.4"));
    const parameters = await client.parameters();
    expect(parameters.floor).to.equal(usdc(200_000));
    expect(parameters.policy.kind).to.equal("spin");
    const markets = await client.markets();
    expect(markets.map((m) => [m.marketId, m.exchange])).to.deep.equal([[ETH_PERP, exchangeAddress]]);
    const governance = await client.governance();
    expect(governance.members.map((m) => [m.role, m.executionDelay])).to.deep.equal([
      ["governor", BigInt(DAY)],
      ["guardian", 0n],
      ["admin", BigInt(DAY)],
    ]);
    const status = await client.status();
    expect(status.balance).to.equal(health.balance);
    expect(status.markets).to.deep.equal(markets);
  });

  it("test_client_historyIsTheSameInPagesAsInOne", async () => {
    const { fundAddress } = await networkHelpers.loadFixture(suiteInUse);
    const client = await InsuranceFundClient.connect(ethers.provider, fundAddress);
    const latest = await ethers.provider.getBlockNumber();
    const whole = await client.history({ fromBlock: 0, toBlock: latest, pageBlocks: latest + 1 });
    expect(whole.nextFromBlock).to.equal(latest + 1);
    const paged = [];
    let pages = 0;
    for await (const page of client.historyPages({ fromBlock: 0, pageBlocks: 3 })) {
      expect(page.toBlock - page.fromBlock).to.be.lessThan(3);
      paged.push(...page.events);
      pages += 1;
    }
    expect(pages).to.equal(Math.ceil((latest + 1) / 3));
    expect(paged).to.deep.equal(whole.events);
    const names = whole.events.map((e) => e.name);
    expect(names).to.include.members(["InsuranceFundDeposited", "InsuranceFundTradeSettled"]);
    const fee = whole.events.find((e) => e.name === "InsuranceFundTradeSettled")!;
    expect(fee.kind).to.equal("income");
    expect(fee.args).to.include({
      marketId: ETH_PERP,
      fundPart: usdc("1.6"),
      treasuryPart: usdc("6.4"),
    });
    expect(fee.timestamp).to.be.greaterThan(0);
  });

  it("test_client_keeperFlushesTheTreasury", async () => {
    const { fundAddress } = await networkHelpers.loadFixture(suiteInUse);
    const [, , , , , , , keeper] = await ethers.getSigners();
    const client = (await InsuranceFundClient.connect(ethers.provider, fundAddress)).connectSigner(keeper);
    await (await client.flushTreasury()).wait();
    expect((await client.health()).treasuryAccrued).to.equal(0n);
    // Below the target there is no surplus: the fund's own error, through the client.
    await expectRejection(client.sweepSurplus(), /InsuranceFundNoSurplus|reverted/);
  });

  it("test_client_schedulesWaitsAndExecutesAGovernanceCall", async () => {
    const { fundAddress, alice } = await networkHelpers.loadFixture(suiteInUse);
    const [, governor, guardian] = await ethers.getSigners();
    const client = (await InsuranceFundClient.connect(ethers.provider, fundAddress)).connectSigner(governor);
    const { data } = encodeCallText(client.fund.interface, `setTreasury(${alice.address})`);
    expect(await client.operations.access(governor.address, data)).to.deep.equal({
      immediate: false,
      delay: BigInt(DAY),
    });
    expect(await client.operations.access(alice.address, data)).to.deep.equal({ immediate: false, delay: 0n });
    await (await client.operations.schedule(data)).wait();
    const { executableAt } = await client.operations.operation(governor.address, data);
    const scheduled = (await client.governance()).scheduled;
    expect(scheduled.map((op) => [op.call, op.executableAt])).to.deep.equal([
      [`setTreasury(${alice.address})`, executableAt],
    ]);
    await expectRejection(client.operations.execute(data), /AccessManagerNotReady|reverted/);
    await networkHelpers.time.increaseTo(executableAt);
    await (await client.operations.execute(data)).wait();
    expect((await client.parameters()).treasury).to.equal(alice.address);
    expect((await client.governance()).scheduled).to.deep.equal([]);
    // The guardian's pause needs no schedule; the guardian may cancel the governor's scheduled calls.
    const asGuardian = client.connectSigner(guardian);
    const pause = encodeCallText(client.fund.interface, "pause()").data;
    expect((await asGuardian.operations.access(guardian.address, pause)).immediate).to.equal(true);
    await (await client.operations.schedule(data)).wait();
    await (await asGuardian.operations.cancel(governor.address, data)).wait();
    expect((await client.operations.operation(governor.address, data)).executableAt).to.equal(0n);
  });

  it("test_client_pendingClaimsBucketsTheBackstopHookAndDeferredFeesAreOnThisFund", async () => {
    const { fundAddress } = await networkHelpers.loadFixture(suiteInUse);
    const client = await InsuranceFundClient.connect(ethers.provider, fundAddress);
    expect(await client.features()).to.deep.equal({
      pendingClaims: true,
      buckets: true,
      backstop: true,
      deferredFees: true,
    });
    expect(await client.pendingClaims([ETH_PERP])).to.deep.equal({
      total: 0n,
      byMarket: [{ marketId: ETH_PERP, amount: 0n }],
    });
    // The suite registers its buckets disabled: no limit.
    const disabled = { available: 2n ** 256n - 1n, capacity: MAX_UINT128, refillPerSecond: 0n };
    expect(await client.buckets([ETH_PERP])).to.deep.equal({
      fund: disabled,
      byMarket: [{ marketId: ETH_PERP, bucket: disabled }],
    });
    // Nothing is pending: the fund's own error, through the client.
    const [, , , , , , , keeper] = await ethers.getSigners();
    await expectRejection(
      client.connectSigner(keeper).processPendingClaim(ETH_PERP),
      /InsuranceFundNoPendingClaim|reverted/,
    );
    // The fund can take a backstop; the suite sets none.
    expect(await client.backstop()).to.equal(undefined);
    // The suite's market pulls every fee: nothing is owed, and a pull is the fund's own refusal.
    expect(await client.deferredFees([ETH_PERP])).to.deep.equal([
      { marketId: ETH_PERP, amount: 0n, fundPart: 0n, treasuryPart: 0n, cap: 0n },
    ]);
    await expectRejection(
      client.connectSigner(keeper).pullDeferredFees(ETH_PERP),
      /InsuranceFundNoDeferredFees|reverted/,
    );
  });

  it("test_client_decodesABankruptcysCoverIntoItsFields", async () => {
    const { fundAddress, exchange, feed, alice } = await networkHelpers.loadFixture(suiteInUse);
    const [, , , , , , , keeper] = await ethers.getSigners();
    // Alice, long 4 at 2,000 on 992, is bankrupt at 1,700: shortfall 208, reward 34 (within both caps). The fund
    // bears both and pays the exchange now; the exchange pays the keeper.
    await feed.setPrice(1_700n * 10n ** 8n);
    const from = (await ethers.provider.getBlockNumber()) + 1;
    await (await exchange.connect(keeper).liquidate(alice.address, ETH_PERP)).wait();
    const client = await InsuranceFundClient.connect(ethers.provider, fundAddress);
    const { events } = await client.history({ fromBlock: from });
    const covered = events.find((e) => e.name === "InsuranceFundBankruptcyCovered")!;
    expect(covered.kind).to.equal("payout");
    expect(covered.args).to.deep.equal({
      marketId: ETH_PERP,
      account: alice.address,
      liquidator: keeper.address,
      reward: usdc(34),
      fundReward: usdc(34),
      fundShortfall: usdc(208),
      backstopReward: 0n,
      backstopShortfall: 0n,
      paidNow: usdc(242),
      pending: 0n,
      earlierPendingPaid: 0n,
      socialized: 0n,
      badDebt: 0n,
    });
  });

  it("test_encodeCallText_readsPlainAndJsonArguments", async () => {
    const { fundAddress } = await networkHelpers.loadFixture(suiteInUse);
    const iface = (await ethers.getContractAt("InsuranceFund", fundAddress)).interface;
    const address = "0x000000000000000000000000000000000000dEaD";
    expect(encodeCallText(iface, `setTreasury(${address})`).data).to.equal(
      iface.encodeFunctionData("setTreasury", [address]),
    );
    expect(encodeCallText(iface, " setTarget( 500, 200000000000 ) ").data).to.equal(
      iface.encodeFunctionData("setTarget", [500, 200_000_000_000n]),
    );
    const config = [address, "1000", "5", 100, "7"];
    expect(encodeCallText(iface, `registerMarket(2, ${JSON.stringify(config)})`).data).to.equal(
      iface.encodeFunctionData("registerMarket", [
        2n,
        { exchange: address, insuranceLimit: 1000n, rewardCap: 5n, rewardCapBps: 100n, openInterestCap: 7n },
      ]),
    );
    expect(() => encodeCallText(iface, "setTreasury")).to.throw(FundClientError, "a call is written name(arg, ...)");
    expect(() => encodeCallText(iface, "setTarget(1)")).to.throw(FundClientError, "takes 2 arguments, got 1");
    expect(() => encodeCallText(iface, "setTreasury(0x12)")).to.throw(FundClientError, "cannot encode");
    expect(() => encodeCallText(iface, "noSuchFunction()")).to.throw();
  });

  it("test_eventKind_namesTheWaterfallsSteps", () => {
    expect(eventKind("InsuranceFundBankruptcyCovered")).to.equal("payout");
    expect(eventKind("InsuranceFundLossSocialized")).to.equal("socialized");
    expect(eventKind("InsuranceFundSurplusSwept")).to.equal("treasury");
    expect(eventKind("InsuranceFundPendingClaimPaid")).to.equal("pending");
    expect(eventKind("InsuranceFundMarketRetired")).to.equal("governance");
    expect(eventKind("InsuranceFundOpenInterestRecorded")).to.equal("other");
  });
});
