#!/usr/bin/python3
"""Writes small TorchScript policies for the tests of `immimic eval --torchscript`
(agents/torchscript_policy.h has the contract): one that follows the contract and moves the TCP
along +x, one that samples noise, and modules that break the contract in one way each."""
import sys

import torch


class Drift(torch.nn.Module):
    """Moves the TCP 1 cm along +x per step from where it is, pointing down, hand open."""

    def __init__(self, action_dim: int, noise: float):
        super().__init__()
        self.obs_horizon = 2
        self.image_size = 16
        self.use_wrist_camera = True
        self.action_dim = action_dim
        self.noise = noise

    def forward(self, agentview: torch.Tensor, wrist: torch.Tensor, proprio: torch.Tensor):
        assert agentview.shape == (1, self.obs_horizon, 3, self.image_size, self.image_size)
        assert wrist.shape == agentview.shape
        assert float(agentview.max()) <= 1.0 and float(agentview.min()) >= 0.0
        assert proprio.shape[0] == 1 and proprio.shape[1] == self.obs_horizon
        rows = 8
        chunk = torch.zeros(rows, self.action_dim)
        tcp = proprio[0, -1, 0:3]
        for k in range(rows):
            chunk[k, 0:3] = tcp + torch.tensor([0.01 * (k + 1), 0.0, 0.0])
        chunk[:, 3] = 3.14159265  # pi about x: the approach axis points down
        chunk[:, 6:] = proprio[0, -1, 7:]
        if self.noise > 0:
            chunk[:, 0:3] += self.noise * torch.randn(rows, 3)
        return chunk.unsqueeze(0)


class NotANumber(Drift):
    def forward(self, agentview: torch.Tensor, wrist: torch.Tensor, proprio: torch.Tensor):
        return torch.full((1, 8, self.action_dim), float("nan"))


class NoHorizon(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.image_size = 16
        self.use_wrist_camera = False
        self.action_dim = 7

    def forward(self, agentview: torch.Tensor, wrist: torch.Tensor, proprio: torch.Tensor):
        return torch.zeros(1, 8, 7)


def main(out_dir: str) -> None:
    robotiq = 7  # TCP position 3, axis-angle 3, one grip dimension
    modules = {
        "drift": Drift(robotiq, 0.0),
        "noisy": Drift(robotiq, 0.002),
        "wrong_dim": Drift(robotiq + 1, 0.0),
        "nan": NotANumber(robotiq, 0.0),
        "no_horizon": NoHorizon(),
    }
    for name, module in modules.items():
        torch.jit.save(torch.jit.script(module), f"{out_dir}/{name}.pt")


if __name__ == "__main__":
    main(sys.argv[1])
