// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {InsuranceFund} from "../../InsuranceFund.sol";

/// @notice The fund's functions the governor role may call (lib/roles.ts `GOVERNOR_FUNCTIONS`, as the deploy modules
/// wire them), for the Solidity suites that wire an AccessManager themselves.
function governedSelectors() pure returns (bytes4[] memory governed) {
    governed = new bytes4[](15);
    governed[0] = InsuranceFund.registerMarket.selector;
    governed[1] = InsuranceFund.raiseInsuranceLimit.selector;
    governed[2] = InsuranceFund.setRewardCaps.selector;
    governed[3] = InsuranceFund.setTarget.selector;
    governed[4] = InsuranceFund.setFeePolicy.selector;
    governed[5] = InsuranceFund.setTreasury.selector;
    governed[6] = InsuranceFund.setOpenInterestCap.selector;
    governed[7] = InsuranceFund.moveMarket.selector;
    governed[8] = InsuranceFund.retireMarket.selector;
    governed[9] = InsuranceFund.writeOffBadDebt.selector;
    governed[10] = InsuranceFund.setMarketPayoutLimit.selector;
    governed[11] = InsuranceFund.setFundPayoutLimit.selector;
    governed[12] = InsuranceFund.rejectPendingClaim.selector;
    governed[13] = InsuranceFund.setBackstop.selector;
    governed[14] = InsuranceFund.setFeeDeferral.selector;
}
