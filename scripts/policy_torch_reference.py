#!/usr/bin/python3
"""The Diffusion Policy of agents/diffusion_policy.cc, written in PyTorch, timed on the same
training step: batch of B samples, To frames from two cameras, image encoders + 1-D U-Net, AdamW.

Reads the same policy YAML as the C++ side (configs/policy/*.yaml) and prints one JSON line with
training samples/s and the 10-step DDIM chunk latency (batch 1), so `scripts/policy_speed_compare`
(or a reader) can compare it with `policy_benchmarks`. Run with Debian's PyTorch:
  /usr/bin/python3 scripts/policy_torch_reference.py --config configs/policy/default.yaml --threads 2
"""
import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

DEFAULTS = {
    "image_size": 64, "obs_horizon": 2, "action_horizon": 16, "use_wrist_camera": True,
    "encoder": {"type": "small_cnn", "channels": [16, 16, 32], "keypoints": 32, "feature_dim": 64},
    "unet": {"down_dims": [32, 64, 128], "kernel_size": 5, "groups": 8, "step_embed_dim": 32},
    "diffusion": {"train_steps": 100, "inference_steps": 10},
}


def load_config(path):
    config = json.loads(json.dumps(DEFAULTS))
    if path:
        with open(path) as f:
            user = yaml.safe_load(f) or {}
        for key, value in user.items():
            if isinstance(value, dict):
                config[key].update(value)
            else:
                config[key] = value
    return config


def norm_groups(channels):
    for g in (8, 4, 2):
        if channels % g == 0:
            return g
    return 1


def small_cnn(channels):
    layers, cin = [], 3
    for i, ch in enumerate(channels):
        k = 5 if i == 0 else 3
        layers += [nn.Conv2d(cin, ch, k, stride=2 if i < 2 else 1, padding=k // 2),
                   nn.GroupNorm(norm_groups(ch), ch), nn.ReLU(inplace=True)]
        cin = ch
    return nn.Sequential(*layers)


class BasicBlockGn(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.gn1 = nn.GroupNorm(cout // 16, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.gn2 = nn.GroupNorm(cout // 16, cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.GroupNorm(cout // 16, cout))

    def forward(self, x):
        h = F.relu(self.gn1(self.conv1(x)))
        h = self.gn2(self.conv2(h))
        return F.relu(h + (self.shortcut(x) if self.shortcut is not None else x))


def resnet18_gn(widths):
    layers = [nn.Conv2d(3, widths[0], 7, 2, 3, bias=False), nn.GroupNorm(widths[0] // 16, widths[0]),
              nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)]
    cin = widths[0]
    for stage, w in enumerate(widths):
        layers += [BasicBlockGn(cin, w, 1 if stage == 0 else 2), BasicBlockGn(w, w, 1)]
        cin = w
    return nn.Sequential(*layers)


class SpatialSoftmax(nn.Module):
    def __init__(self, cin, keypoints):
        super().__init__()
        self.to_keypoints = nn.Conv2d(cin, keypoints, 1)
        self.k = keypoints

    def forward(self, x):
        maps = self.to_keypoints(x)
        n, k, h, w = maps.shape
        attention = torch.softmax(maps.reshape(n * k, h * w), 1)
        ys, xs = torch.meshgrid(torch.linspace(-1, 1, h), torch.linspace(-1, 1, w), indexing="ij")
        positions = torch.stack([xs.reshape(-1), ys.reshape(-1)], 1)
        return (attention @ positions).reshape(n, k * 2)


class ImageEncoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        e = c["encoder"]
        self.size = c["image_size"]
        self.backbone = resnet18_gn(e["channels"]) if e["type"] == "resnet18_gn" else small_cnn(e["channels"])
        self.softmax = SpatialSoftmax(e["channels"][-1], e["keypoints"])
        self.project = nn.Linear(2 * e["keypoints"], e["feature_dim"])

    def forward(self, x):
        if x.shape[-1] != self.size or x.shape[-2] != self.size:
            x = F.adaptive_avg_pool2d(x, (self.size, self.size))
        return self.project(self.softmax(self.backbone(x * 2 - 1)))


def conv1d_block(cin, cout, k, g):
    return nn.Sequential(nn.Conv1d(cin, cout, k, padding=k // 2), nn.GroupNorm(g, cout), nn.Mish())


class ConditionalResidualBlock1d(nn.Module):
    def __init__(self, cin, cout, cond_dim, k, g):
        super().__init__()
        self.block1, self.block2 = conv1d_block(cin, cout, k, g), conv1d_block(cout, cout, k, g)
        self.film = nn.Linear(cond_dim, 2 * cout)
        self.residual = nn.Conv1d(cin, cout, 1) if cin != cout else None
        self.cout = cout

    def forward(self, x, cond):
        h = self.block1(x)
        film = self.film(F.mish(cond)).view(-1, 2, self.cout, 1)
        h = self.block2(film[:, 0] * h + film[:, 1])
        return h + (self.residual(x) if self.residual is not None else x)


def sinusoidal(t, dim):
    half = dim // 2
    freqs = torch.exp(torch.arange(half, dtype=torch.float32) * -(math.log(10000.0) / (half - 1)))
    angles = t.float()[:, None] * freqs[None]
    return torch.cat([angles.sin(), angles.cos()], -1)


class ConditionalUnet1d(nn.Module):
    def __init__(self, action_dim, global_cond_dim, u):
        super().__init__()
        d, k, g, s = u["down_dims"], u["kernel_size"], u["groups"], u["step_embed_dim"]
        self.s = s
        self.step_encoder = nn.Sequential(nn.Linear(s, 4 * s), nn.Mish(), nn.Linear(4 * s, s))
        cond = s + global_cond_dim
        self.down, cin = nn.ModuleList(), action_dim
        for i, dim in enumerate(d):
            self.down.append(nn.ModuleList([
                ConditionalResidualBlock1d(cin, dim, cond, k, g), ConditionalResidualBlock1d(dim, dim, cond, k, g),
                nn.Conv1d(dim, dim, 3, 2, 1) if i + 1 < len(d) else nn.Identity()]))
            cin = dim
        self.mid = nn.ModuleList([ConditionalResidualBlock1d(d[-1], d[-1], cond, k, g) for _ in range(2)])
        self.up = nn.ModuleList()
        for i in range(len(d) - 1, 0, -1):
            self.up.append(nn.ModuleList([
                ConditionalResidualBlock1d(2 * d[i], d[i - 1], cond, k, g),
                ConditionalResidualBlock1d(d[i - 1], d[i - 1], cond, k, g),
                nn.ConvTranspose1d(d[i - 1], d[i - 1], 4, 2, 1)]))
        self.final_block, self.final_conv = conv1d_block(d[0], d[0], k, g), nn.Conv1d(d[0], action_dim, 1)

    def forward(self, sample, t, global_cond):
        x = sample.transpose(1, 2)
        cond = torch.cat([self.step_encoder(sinusoidal(t, self.s)), global_cond], -1)
        skips = []
        for first, second, down in self.down:
            x = second(first(x, cond), cond)
            skips.append(x)
            x = down(x)
        for block in self.mid:
            x = block(x, cond)
        for first, second, up in self.up:
            x = torch.cat([x, skips.pop()], 1)
            x = up(second(first(x, cond), cond))
        return self.final_conv(self.final_block(x)).transpose(1, 2)


class DiffusionPolicy(nn.Module):
    def __init__(self, c, proprio_dim, action_dim):
        super().__init__()
        self.c = c
        cams = 2 if c["use_wrist_camera"] else 1
        self.cond_dim = c["obs_horizon"] * (cams * c["encoder"]["feature_dim"] + proprio_dim)
        self.agentview = ImageEncoder(c)
        self.wrist = ImageEncoder(c) if c["use_wrist_camera"] else None
        self.unet = ConditionalUnet1d(action_dim, self.cond_dim, c["unet"])
        n = c["diffusion"]["train_steps"]
        f = lambda s: math.cos((s + 0.008) / 1.008 * math.pi / 2) ** 2
        betas = [min(1 - f((i + 1) / n) / f(i / n), 0.999) for i in range(n)]
        self.alphas = torch.cumprod(1 - torch.tensor(betas, dtype=torch.float64), 0).float()

    def encode(self, av, wr, proprio):
        b, to = av.shape[:2]
        parts = [self.agentview(av.flatten(0, 1)).view(b, to, -1)]
        if self.wrist is not None:
            parts.append(self.wrist(wr.flatten(0, 1)).view(b, to, -1))
        parts.append(proprio)
        return torch.cat(parts, -1).reshape(b, -1)

    def loss(self, cond, actions):
        noise = torch.randn_like(actions)
        t = torch.randint(0, len(self.alphas), (actions.shape[0],))
        a = self.alphas[t].view(-1, 1, 1)
        return F.mse_loss(self.unet(a.sqrt() * actions + (1 - a).sqrt() * noise, t, cond), noise)

    @torch.no_grad()
    def sample(self, cond, action_dim):
        n, k = len(self.alphas), self.c["diffusion"]["inference_steps"]
        ratio = n // k
        x = torch.randn(cond.shape[0], self.c["action_horizon"], action_dim)
        for t in range(ratio * (k - 1), -1, -ratio):
            eps = self.unet(x, torch.full((cond.shape[0],), t, dtype=torch.long), cond)
            a = self.alphas[t].double().item()
            a_prev = self.alphas[t - ratio].double().item() if t - ratio >= 0 else 1.0
            x0 = ((x - math.sqrt(1 - a) * eps) / math.sqrt(a)).clamp(-1, 1)
            x = math.sqrt(a_prev) * x0 + math.sqrt(1 - a_prev) * eps
        return x


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default="", help="policy YAML (default: built-in defaults)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--stored-size", type=int, default=84, help="size of the input images")
    p.add_argument("--proprio", type=int, default=8)
    p.add_argument("--action", type=int, default=7)
    p.add_argument("--seconds", type=float, default=10.0, help="minimum timed training time")
    args = p.parse_args()

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    c = load_config(args.config)
    policy = DiffusionPolicy(c, args.proprio, args.action)
    optimizer = torch.optim.AdamW(policy.parameters(), lr=1e-4, weight_decay=1e-6)
    b, to, s = args.batch, c["obs_horizon"], args.stored_size
    av, wr = torch.rand(b, to, 3, s, s), torch.rand(b, to, 3, s, s)
    proprio = torch.randn(b, to, args.proprio)
    actions = torch.rand(b, c["action_horizon"], args.action) * 2 - 1

    def train_step():
        loss = policy.loss(policy.encode(av, wr, proprio), actions)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    for _ in range(2):
        train_step()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < args.seconds or steps < 3:
        train_step()
        steps += 1
    train_seconds = time.perf_counter() - start

    torch.set_num_threads(1)
    with torch.no_grad():
        one = (av[:1], wr[:1], proprio[:1])
        for _ in range(3):
            policy.sample(policy.encode(*one), args.action)
        runs, start = 0, time.perf_counter()
        while time.perf_counter() - start < 2.0 or runs < 5:
            policy.sample(policy.encode(*one), args.action)
            runs += 1
        chunk_ms = (time.perf_counter() - start) / runs * 1e3
    print(json.dumps({
        "implementation": "pytorch", "torch": torch.__version__, "threads": args.threads,
        "batch": b, "image_size": c["image_size"], "stored_size": s,
        "parameters": sum(p.numel() for p in policy.parameters()),
        "train_samples_per_second": steps * b / train_seconds,
        "chunk_ms_1thread": chunk_ms}))


if __name__ == "__main__":
    main()
