// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OpenInterestWindow} from "../../libraries/OpenInterestWindow.sol";

/// @title OpenInterestWindowReference
/// @notice The straightforward read of `OpenInterestWindow`, kept as the reference of the differential test
/// (OIW-6): it loads `firstReportTimestamp` first and clips the start's bucket to it, as the library did before a
/// checkpoint at the start's bucket was taken as proof of a whole window of history. Tests only.
library OpenInterestWindowReference {
    /// @notice The average at `block.timestamp`, by the reference read; same contract as `OpenInterestWindow.average`.
    function average(OpenInterestWindow.State storage self, uint256 windowSeconds) internal view returns (uint256) {
        OpenInterestWindow.Head memory head = self.head;
        if (head.lastTimestamp == 0) return 0;

        uint256 first = self.firstReportTimestamp;
        uint256 elapsed = block.timestamp - first;
        if (elapsed < windowSeconds) {
            if (elapsed == 0) return head.lastValue;
            return _cumulativeNow(head) / elapsed;
        }

        uint256 start = block.timestamp - windowSeconds;
        if (start >= head.lastTimestamp) return head.lastValue;

        return _cumulativeSinceUp(self, head, first, start, windowSeconds) / windowSeconds;
    }

    function _cumulativeNow(OpenInterestWindow.Head memory head) private view returns (uint128) {
        return uint128(head.cumulative + uint256(head.lastValue) * (block.timestamp - head.lastTimestamp));
    }

    function _cumulativeSinceUp(
        OpenInterestWindow.State storage self,
        OpenInterestWindow.Head memory head,
        uint256 first,
        uint256 x,
        uint256 windowSeconds
    ) private view returns (uint256) {
        uint256 bucketLength = OpenInterestWindow.bucketSeconds(windowSeconds);
        uint256 bucket = x / bucketLength;

        uint256 lo = bucket * bucketLength;
        uint128 cumulativeLo;
        if (lo <= first) lo = first;
        else cumulativeLo = _checkpoint(self, bucket);

        uint256 hi = (bucket + 1) * bucketLength;
        uint128 cumulativeHi;
        if (hi >= head.lastTimestamp) (hi, cumulativeHi) = (head.lastTimestamp, head.cumulative);
        else cumulativeHi = _checkpoint(self, bucket + 1);

        uint256 sinceLo;
        uint256 acrossBucket;
        // Wrapping, as in the library: each difference is below 2^121.
        unchecked {
            sinceLo = _cumulativeNow(head) - cumulativeLo;
            acrossBucket = cumulativeHi - cumulativeLo;
        }
        return sinceLo - (acrossBucket * (x - lo)) / (hi - lo);
    }

    function _checkpoint(OpenInterestWindow.State storage self, uint256 bucket) private view returns (uint128) {
        OpenInterestWindow.Boundary memory boundary = self.ring[bucket % OpenInterestWindow.SLOTS];
        if (boundary.bucket != bucket) revert OpenInterestWindow.OpenInterestWindowCheckpointMissing(bucket);
        return boundary.cumulative;
    }
}
