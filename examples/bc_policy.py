#!/usr/bin/python3
"""A small behaviour-cloning policy in PyTorch, trained from a suite's robot demos (and, with
--human, the retargeted human videos) and saved as TorchScript for `immimic eval --torchscript`
(the contract: agents/torchscript_policy.h; the walk-through: docs/external_methods.md).

A convolutional encoder of the agentview image and the proprioception feed an MLP that predicts
a chunk of actions. It is an example of an external method, not a strong baseline."""
import argparse
import math
import os

import h5py
import numpy as np
import torch
import torch.nn.functional as F


def canonical_proprio(eef_pose: np.ndarray) -> np.ndarray:
    """The quaternion sign the host hands the module: q . (0, 1, 0, 0) >= 0."""
    out = eef_pose.copy()
    flip = out[:, 4] < 0
    out[flip, 3:7] = -out[flip, 3:7]
    return out


def canonical_actions(actions: np.ndarray) -> np.ndarray:
    """Axis-angle in the form whose quaternion faces the top-down home, as the proprio."""
    out = actions.copy()
    angle = np.linalg.norm(out[:, 3:6], axis=1)
    flip = (angle > 1e-12) & (np.sin(angle / 2) * out[:, 3] < 0)
    scale = -(2 * math.pi - angle[flip]) / angle[flip]
    out[flip, 3:6] *= scale[:, None]
    return out


def load_frames(path: str, image_size: int, chunk: int):
    """Images (N, 3, S, S) in [0, 1], proprio (N, P) and action chunks (N, chunk, A)."""
    images, proprio, targets = [], [], []
    with h5py.File(path, "r") as f:
        for name in sorted(f["data"].keys()):
            demo = f["data"][name]
            pixels = torch.from_numpy(demo["obs/agentview_image"][()]).permute(0, 3, 1, 2)
            images.append(F.interpolate(pixels.float() / 255.0, size=(image_size, image_size),
                                        mode="area"))
            proprio.append(canonical_proprio(demo["obs/eef_pose"][()]))
            actions = canonical_actions(demo["actions"][()])
            index = np.minimum(np.arange(len(actions))[:, None] + np.arange(chunk)[None, :],
                               len(actions) - 1)
            targets.append(actions[index])
    return (torch.cat(images), torch.from_numpy(np.concatenate(proprio)).float(),
            torch.from_numpy(np.concatenate(targets)).float())


class BcPolicy(torch.nn.Module):
    def __init__(self, image_size: int, proprio_dim: int, action_dim: int, chunk: int,
                 stats: dict):
        super().__init__()
        self.obs_horizon = 1
        self.image_size = image_size
        self.use_wrist_camera = False
        self.action_dim = action_dim
        self.chunk = chunk
        self.encoder = torch.nn.Sequential(
            torch.nn.Conv2d(3, 16, 5, stride=2, padding=2), torch.nn.ReLU(),
            torch.nn.Conv2d(16, 32, 3, stride=2, padding=1), torch.nn.ReLU(),
            torch.nn.Conv2d(32, 32, 3, stride=2, padding=1), torch.nn.ReLU(),
            torch.nn.AdaptiveAvgPool2d(2), torch.nn.Flatten())
        self.head = torch.nn.Sequential(
            torch.nn.Linear(128 + proprio_dim, 256), torch.nn.ReLU(),
            torch.nn.Linear(256, 256), torch.nn.ReLU(),
            torch.nn.Linear(256, chunk * action_dim))
        for name, value in stats.items():
            self.register_buffer(name, value)

    def predict_normalised(self, image: torch.Tensor, proprio: torch.Tensor) -> torch.Tensor:
        features = self.encoder(image)
        p = (proprio - self.proprio_mean) / self.proprio_std
        return self.head(torch.cat([features, p], dim=1)).view(-1, self.chunk, self.action_dim)

    def forward(self, agentview: torch.Tensor, wrist: torch.Tensor, proprio: torch.Tensor):
        chunk = self.predict_normalised(agentview[:, -1], proprio[:, -1])
        return chunk * self.action_std + self.action_mean


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--robot", required=True, help="robot demos (HDF5)")
    parser.add_argument("--human", help="retargeted human videos (HDF5): trained on as well")
    parser.add_argument("--out", required=True, help="TorchScript file to write")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--image-size", type=int, default=32)
    parser.add_argument("--chunk", type=int, default=8)
    args = parser.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)

    images, proprio, targets = load_frames(args.robot, args.image_size, args.chunk)
    if args.human:
        h_images, h_proprio, h_targets = load_frames(args.human, args.image_size, args.chunk)
        images, proprio = torch.cat([images, h_images]), torch.cat([proprio, h_proprio])
        targets = torch.cat([targets, h_targets])
    flat = targets.reshape(-1, targets.shape[-1])
    stats = {"proprio_mean": proprio.mean(0), "proprio_std": proprio.std(0).clamp(min=1e-3),
             "action_mean": flat.mean(0), "action_std": flat.std(0).clamp(min=1e-3)}
    model = BcPolicy(args.image_size, proprio.shape[1], targets.shape[2], args.chunk, stats)
    optimiser = torch.optim.AdamW(model.parameters(), lr=1e-3)
    normalised = (targets - stats["action_mean"]) / stats["action_std"]
    for epoch in range(args.epochs):
        order = torch.randperm(len(images))
        total = 0.0
        for start in range(0, len(order), 64):
            batch = order[start:start + 64]
            loss = F.mse_loss(model.predict_normalised(images[batch], proprio[batch]),
                              normalised[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss) * len(batch)
        print(f"epoch {epoch + 1}/{args.epochs} loss {total / len(order):.4f}", flush=True)

    model.eval()
    partial = args.out + ".partial"
    torch.jit.save(torch.jit.script(model), partial)
    os.replace(partial, args.out)  # never a half-written policy under the final name


if __name__ == "__main__":
    main()
