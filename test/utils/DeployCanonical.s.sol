// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {Script} from "forge-std/Script.sol";
import {CanonicalStack, Stack} from "../../script/lib/CanonicalStack.sol";

/// @notice Test fixture: the canonical Uniswap v4 contracts from their npm artifacts on a chain standing in for a real
/// one, owned by the broadcaster, so they sit at other addresses than the local venue's. Writes them to CANONICAL_OUT.
contract DeployCanonical is Script, CanonicalStack {
    function run() external {
        (, address sender,) = vm.readCallers();
        vm.startBroadcast(sender);
        Stack memory s = _deployStack(sender);
        vm.stopBroadcast();
        string memory json = string.concat(
            '{"permit2":"', vm.toString(address(s.permit2)),
            '","poolManager":"', vm.toString(address(s.poolManager)),
            '","positionManager":"', vm.toString(address(s.positionManager)),
            '","stateView":"', vm.toString(address(s.stateView)),
            '","universalRouter":"', vm.toString(address(s.universalRouter)),
            '","v4Quoter":"', vm.toString(address(s.v4Quoter)), '"}'
        );
        vm.writeJson(json, vm.envString("CANONICAL_OUT"));
    }
}
