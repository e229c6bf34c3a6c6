// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;
// TEMPORARY PLACEHOLDER (not committed): replaced by the real library.
library OpenInterestWindow {
    uint256 internal constant BUCKETS = 28;
    struct State {
        uint40 first;
        uint40 last;
        uint128 value;
        uint256 cumulative;
    }
    function isValidWindow(uint256 w) internal pure returns (bool) {
        return w % BUCKETS == 0 && w >= 3600 && w <= 365 days;
    }
    function current(State storage s) internal view returns (uint256) {
        return s.value;
    }
    function record(State storage s, uint256 v, uint256) internal {
        if (s.first == 0) {
            s.first = uint40(block.timestamp);
        } else {
            s.cumulative += uint256(s.value) * (block.timestamp - s.last);
        }
        s.last = uint40(block.timestamp);
        s.value = uint128(v);
    }
    function average(State storage s, uint256) internal view returns (uint256) {
        if (s.first == 0) return 0;
        if (block.timestamp == s.first) return s.value;
        return (s.cumulative + uint256(s.value) * (block.timestamp - s.last)) / (block.timestamp - s.first);
    }
}
