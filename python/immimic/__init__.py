"""ImMimic Bench from Python: the simulated tasks with a Gymnasium-style API, the registries,
the scripted experts and trained runs as policies (docs/python.md).

    import immimic
    env = immimic.make("pick_place", "robotiq")
    obs, info = env.reset(seed=0)
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
"""
import numpy as np

from . import _immimic
from ._immimic import (ConfigError, Error, InputError, VideoWriter, episode_seed, replay_dataset,
                       validate_dataset)

__all__ = ["make", "make_vec", "VecEnv", "expert", "load_policy", "list_tasks", "list_embodiments", "list_methods",
           "Box", "ImmimicEnv", "episode_seed", "Error", "InputError", "ConfigError",
           "validate_dataset", "replay_dataset", "VideoWriter"]

try:  # a real gymnasium.Env where gymnasium is installed; the same API without it
    import gymnasium as _gymnasium
    _EnvBase = _gymnasium.Env
    _BoxBase = _gymnasium.spaces.Box
except ImportError:
    _gymnasium = None
    _EnvBase = object
    _BoxBase = None


def list_tasks():
    return list(_immimic.list_tasks())


def list_embodiments():
    return list(_immimic.list_embodiments())


def list_methods():
    return list(_immimic.list_methods())


class Box:
    """A box space as Gymnasium's: shape, dtype, low, high, plus the element names."""

    def __init__(self, low, high, shape, dtype, labels=()):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.low = np.broadcast_to(np.asarray(low, dtype=self.dtype), self.shape).copy()
        self.high = np.broadcast_to(np.asarray(high, dtype=self.dtype), self.shape).copy()
        self.labels = list(labels)
        self._rng = np.random.default_rng()

    def seed(self, seed=None):
        self._rng = np.random.default_rng(seed)

    def sample(self):
        if np.issubdtype(self.dtype, np.integer):
            return self._rng.integers(self.low, self.high, endpoint=True).astype(self.dtype)
        return self._rng.uniform(self.low, self.high).astype(self.dtype)

    def contains(self, x):
        x = np.asarray(x)
        return x.shape == self.shape and bool(np.all(x >= self.low) and np.all(x <= self.high))


def _space(spec):
    shape = tuple(spec["shape"])
    if spec["dtype"] == "uint8":
        low, high, dtype = 0, 255, np.uint8
    else:
        low = spec["low"] if spec["low"] else -np.inf
        high = spec["high"] if spec["high"] else np.inf
        dtype = np.float64
    if _BoxBase is not None:
        return _BoxBase(low=np.asarray(low, dtype), high=np.asarray(high, dtype), shape=shape,
                        dtype=dtype)
    return Box(low, high, shape, dtype, spec["labels"])


class _DictSpace(dict):
    """Observation spaces by key (a gymnasium.spaces.Dict where gymnasium is installed)."""


class ImmimicEnv(_EnvBase):
    """One simulated task x end-effector. Observations are dicts of numpy arrays (copies)."""

    metadata = {"render_modes": ["rgb_array"], "render_fps": 30}

    def __init__(self, task, embodiment, image_size=84, images=True, render_mode="rgb_array"):
        self.task, self.embodiment = task, embodiment
        self.render_mode = render_mode
        self._native = _immimic.NativeEnv(task, embodiment, image_size, images)
        self._image_size = image_size
        self.action_space = _space(self._native.action_spec())
        spaces = {spec["name"]: _space(spec) for spec in self._native.observation_spec()}
        self.observation_space = (_gymnasium.spaces.Dict(spaces) if _gymnasium is not None
                                  else _DictSpace(spaces))
        self._seed = None

    def reset(self, seed=None, options=None):
        """Seeds the episode; without a seed, the next seed of the last one given (0 at first)."""
        self._seed = seed if seed is not None else (0 if self._seed is None else self._seed + 1)
        return self._native.reset(int(self._seed)), {"seed": self._seed}

    def step(self, action):
        return self._native.step(np.asarray(action, dtype=np.float64))

    def render(self, camera="agentview", width=None, height=None):
        """An RGB image of a camera, at most image_size x image_size (the offscreen buffer)."""
        return self._native.render(camera, width or self._image_size, height or self._image_size)

    def close(self):
        self._native = None


class VecEnv:
    """n envs of one task and end-effector, stepped together on native threads. No automatic
    reset: reset(seed) resets env i with seed + i. Observations are a list of dicts."""

    def __init__(self, n, task, embodiment, image_size=84, images=True, threads=0):
        self._native = _immimic.NativeVecEnv(n, task, embodiment, image_size, images, threads)
        single = ImmimicEnv.__new__(ImmimicEnv)  # spaces of one env, without building another
        single._native = self._native.env(0)
        self.single_action_space = _space(single._native.action_spec())
        self.num_envs = n
        self.threads = self._native.threads

    def reset(self, seed=0, options=None):
        return self._native.reset(int(seed)), {"seed": seed}

    def step(self, actions):
        return self._native.step(np.asarray(actions, dtype=np.float64))


def make_vec(n, task, embodiment, image_size=84, images=True, threads=0):
    """A VecEnv of n envs stepped on `threads` native threads (0: one per core)."""
    return VecEnv(n, task, embodiment, image_size, images, threads)


def make(task, embodiment, config=None, image_size=84, images=True):
    """An env for a registered task and end-effector (`list_tasks()`, `list_embodiments()`).
    `config` may be a dict with `image_size` and `images` keys."""
    if config is not None:
        unknown = set(config) - {"image_size", "images"}
        if unknown:
            raise InputError(f"unknown config keys {sorted(unknown)} (known: image_size, images)")
        image_size = config.get("image_size", image_size)
        images = config.get("images", images)
    return ImmimicEnv(task, embodiment, image_size, images)


class Policy:
    """A native policy: reset(seed) at each episode (the episode's seed), then act(obs)."""

    def __init__(self, native):
        self._native = native

    def reset(self, seed):
        self._native.reset(int(seed))

    def act(self, obs):
        return np.asarray(self._native.act(obs))


def expert(env, style="teleop"):
    """The scripted expert of the env's task and end-effector ("teleop" or "human" pace)."""
    return Policy(_immimic.expert(env._native, style))


def load_policy(run_dir, replan_every=8, ensemble_decay=0.0):
    """A trained run (`immimic train`) with the chunking, ensembling and clamp of `immimic eval`.
    Its env: make(**immimic.run_env(run_dir))."""
    return Policy(_immimic.load_policy(run_dir, replan_every, ensemble_decay))


def run_env(run_dir):
    """task, embodiment and image_size of the demos a run trained on."""
    return dict(_immimic.run_env_config(run_dir))
