// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {PoolSwapTest} from "@uniswap/v4-core/src/test/PoolSwapTest.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";

/// @notice An unrestricted 18-decimal ERC-20: the "plain" baseline and the outer legs of multi-hop paths.
contract PlainToken is ERC20 {
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) {
        _mint(msg.sender, 1e30);
    }
}

/// @notice An attacker's router: it calls the PoolManager directly and claims, through `msgSender()`, to act for
/// whichever eligible investor it names. The gate must ignore the claim because the router is not trusted.
contract LyingRouter is PoolSwapTest {
    address public msgSender;

    constructor(IPoolManager manager, address claimed) PoolSwapTest(manager) {
        msgSender = claimed;
    }
}

/// @notice A contract wallet (a Safe, say) that makes several calls in one transaction, reverting with the first
/// failure's own reason.
contract BatchWallet {
    function call(address target, bytes calldata data) public returns (bytes memory result) {
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 0x20), mload(result))
            }
        }
    }

    function batch(address[] calldata targets, bytes[] calldata calls) external {
        for (uint256 i; i < targets.length; ++i) {
            call(targets[i], calls[i]);
        }
    }

    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }
}
