// SPDX-License-Identifier: BUSL-1.1
pragma solidity ^0.8.26;

import {CommonBase} from "forge-std/Base.sol";
import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {IPositionManager} from "@uniswap/v4-periphery/src/interfaces/IPositionManager.sol";
import {IV4Quoter} from "@uniswap/v4-periphery/src/interfaces/IV4Quoter.sol";
import {IStateView} from "@uniswap/v4-periphery/src/interfaces/IStateView.sol";
import {IAllowanceTransfer} from "permit2/src/interfaces/IAllowanceTransfer.sol";
import {IUniversalRouter} from "./IUniversalRouter.sol";

/// @notice The canonical Uniswap v4 contracts the venue runs on.
struct Stack {
    IPoolManager poolManager;
    IPositionManager positionManager;
    IUniversalRouter universalRouter;
    IV4Quoter v4Quoter;
    IStateView stateView;
    IAllowanceTransfer permit2;
}

/// @title CanonicalStack
/// @notice Deploys Uniswap's own compiled bytecode (the artifacts shipped on npm), never a recompiled copy, so the
/// tests and the local venue run exactly what mainnet runs. Permit2 must already be at its canonical address.
/// Everything goes through the CREATE2 deployer with fixed salts: the addresses are the same on every fresh chain,
/// and deploying again finds the contracts already there and sends nothing.
abstract contract CanonicalStack is CommonBase {
    address internal constant PERMIT2 = 0x000000000022D473030F116dDEE9F6B43aC78BA3;
    /// @dev The deterministic-deployment proxy present on anvil, in forge's EVM and on most chains.
    address internal constant CREATE2_DEPLOYER = 0x4e59b44847b379578588920cA78FbF26c0B4956C;
    bytes32 internal constant SALT = keccak256("accredex.v1");
    /// @dev PositionManager's gas cap for subscriber unsubscribe callbacks, as in Uniswap's own deployments.
    uint256 internal constant UNSUBSCRIBE_GAS_LIMIT = 300_000;

    string internal constant POOL_MANAGER_ARTIFACT = "node_modules/@uniswap/v4-core/out/PoolManager.sol/PoolManager.json";
    string internal constant POSITION_MANAGER_ARTIFACT =
        "node_modules/@uniswap/v4-periphery/foundry-out/PositionManager.sol/PositionManager.json";
    string internal constant V4_QUOTER_ARTIFACT = "node_modules/@uniswap/v4-periphery/foundry-out/V4Quoter.sol/V4Quoter.json";
    string internal constant STATE_VIEW_ARTIFACT =
        "node_modules/@uniswap/v4-periphery/foundry-out/StateView.sol/StateView.json";
    string internal constant UNIVERSAL_ROUTER_ARTIFACT =
        "node_modules/@uniswap/universal-router/artifacts/contracts/UniversalRouter.sol/UniversalRouter.json";

    /// @dev UniversalRouter's constructor argument; only Permit2 and the v4 contracts matter to the venue.
    struct RouterParameters {
        address permit2;
        address weth9;
        address v2Factory;
        address v3Factory;
        bytes32 pairInitCodeHash;
        bytes32 poolInitCodeHash;
        address v4PoolManager;
        address v3NFTPositionManager;
        address v4PositionManager;
        address spokePool;
    }

    function _deployStack(address poolManagerOwner) internal returns (Stack memory s) {
        require(PERMIT2.code.length != 0, "CanonicalStack: Permit2 is not deployed");
        s.permit2 = IAllowanceTransfer(PERMIT2);
        s.poolManager = IPoolManager(_deployArtifact(POOL_MANAGER_ARTIFACT, abi.encode(poolManagerOwner)));
        s.positionManager = IPositionManager(
            _deployArtifact(
                POSITION_MANAGER_ARTIFACT,
                abi.encode(s.poolManager, PERMIT2, UNSUBSCRIBE_GAS_LIMIT, address(0), address(0))
            )
        );
        s.v4Quoter = IV4Quoter(_deployArtifact(V4_QUOTER_ARTIFACT, abi.encode(s.poolManager)));
        s.stateView = IStateView(_deployArtifact(STATE_VIEW_ARTIFACT, abi.encode(s.poolManager)));
        RouterParameters memory params;
        params.permit2 = PERMIT2;
        params.v4PoolManager = address(s.poolManager);
        params.v4PositionManager = address(s.positionManager);
        s.universalRouter = IUniversalRouter(_deployArtifact(UNIVERSAL_ROUTER_ARTIFACT, abi.encode(params)));
    }

    function _deployArtifact(string memory artifact, bytes memory args) internal returns (address) {
        return _deployOnce(SALT, abi.encodePacked(vm.getCode(artifact), args));
    }

    /// @dev CREATE2 through the deployer, unless the contract is already there. Returns its address either way.
    function _deployOnce(bytes32 salt, bytes memory initcode) internal returns (address deployed) {
        deployed = vm.computeCreate2Address(salt, keccak256(initcode), CREATE2_DEPLOYER);
        if (deployed.code.length != 0) return deployed;
        (bool ok,) = CREATE2_DEPLOYER.call(abi.encodePacked(salt, initcode));
        require(ok && deployed.code.length != 0, "CanonicalStack: CREATE2 deployment failed");
    }
}
