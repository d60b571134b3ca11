// SPDX-License-Identifier: BUSL-1.1
pragma solidity 0.8.26;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IInvestorRegistry} from "../../contracts/interfaces/IInvestorRegistry.sol";
import {Eligibility} from "../../contracts/libraries/Eligibility.sol";

/// @notice The gas benchmark's baseline security: an ERC-20 that asks the registry about every transfer of value,
/// as the restricted token does for a wallet-to-wallet transfer, and knows nothing of a gate. A gated pool's cost over
/// a no-op-hooked pool of this share is what the gate design adds to a restricted security.
contract RegistryCheckedShare is ERC20 {
    IInvestorRegistry internal immutable registry;

    constructor(IInvestorRegistry investorRegistry) ERC20("Registry-checked Share", "RCS") {
        registry = investorRegistry;
    }

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value) internal override {
        if (value != 0) {
            (Eligibility fromStatus,, Eligibility toStatus,,,) = registry.transferStatus(address(this), from, to);
            require(fromStatus == Eligibility.Ok && toStatus == Eligibility.Ok, "not eligible");
        }
        super._update(from, to, value);
    }
}
