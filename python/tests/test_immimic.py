"""The Python API against the C++ side: registries, determinism, spaces, errors, and the same
actions as `immimic eval` for a scripted expert and for a trained run (docs/python.md)."""
import csv
import json
import os
import subprocess

import numpy as np
import pytest

import immimic

CLI = os.environ["IMMIMIC_CLI"]


def run_cli(*args):
    return subprocess.run([CLI, *args], check=True, capture_output=True, text=True).stdout


def trace_actions(path, action_dim):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return np.array([[float(r[f"action_{i}"]) for i in range(action_dim)] for r in rows])


def test_registries_list_what_the_cli_lists():
    assert immimic.list_tasks() == ["pick_place", "push", "hammer", "flip"]
    assert "robotiq" in immimic.list_embodiments() and "human" in immimic.list_embodiments()
    assert "immimic_a" in immimic.list_methods()


def test_reset_repeats_from_its_seed_and_spaces_describe_the_arrays():
    env = immimic.make("push", "robotiq", image_size=32)
    a, info = env.reset(seed=3)
    b, _ = env.reset(seed=3)
    c, _ = env.reset(seed=4)
    assert info["seed"] == 3
    assert np.array_equal(a["object_state"], b["object_state"])
    assert np.array_equal(a["agentview_image"], b["agentview_image"])
    assert not np.array_equal(a["object_state"], c["object_state"])
    assert env.action_space.shape == (7,)
    assert a["agentview_image"].shape == (32, 32, 3) and a["agentview_image"].dtype == np.uint8
    assert env.observation_space["eef_pose"].shape == a["eef_pose"].shape
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
    assert set(obs) >= {"eef_pose", "object_state", "agentview_image", "wrist_image"}
    assert isinstance(reward, float) and not terminated and not truncated
    assert env.render().shape == (32, 32, 3)
    assert env.render("wrist", width=24, height=20).shape == (20, 24, 3)


def test_bad_input_raises_with_the_cli_messages():
    with pytest.raises(ValueError, match="known: pick_place"):
        immimic.make("juggle", "robotiq")
    with pytest.raises(ValueError, match="known: ability"):
        immimic.make("push", "gripper9000")
    env = immimic.make("push", "robotiq", images=False)
    env.reset(seed=0)
    with pytest.raises(ValueError, match="takes 7"):
        env.step(np.zeros(3))
    with pytest.raises(ValueError, match="NaN"):
        env.step(np.full(7, np.nan))
    with pytest.raises(ValueError, match="unknown config keys"):
        immimic.make("push", "robotiq", config={"imagesize": 3})
    with pytest.raises(ValueError, match="style"):
        immimic.expert(env, "robot")


def test_the_expert_acts_as_in_immimic_eval_and_succeeds(tmp_path):
    trace = tmp_path / "trace.csv"
    run_cli("eval", "--expert", "teleop", "--task", "push", "--embodiment", "robotiq",
            "--episodes", "1", "--seed", "1000", "--max-steps", "60", "--threads", "1",
            "--trace", str(trace))
    expected = trace_actions(trace, 7)
    env = immimic.make("push", "robotiq")
    seed = immimic.episode_seed(1000, 0)
    obs, _ = env.reset(seed=seed)
    policy = immimic.expert(env, "teleop")
    policy.reset(seed)
    actions = []
    for _ in range(60):
        action = policy.act(obs)
        actions.append(action)
        obs, _, terminated, truncated, _ = env.step(action)
    assert np.allclose(np.array(actions), expected, rtol=1e-5, atol=1e-6)
    # run on to the end: the scripted expert pushes the cube to its goal
    while not (terminated or truncated):
        obs, _, terminated, truncated, info = env.step(policy.act(obs))
    assert info["success"], info


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A tiny run trained once for the module: (run folder, its robot demos)."""
    tmp_path = tmp_path_factory.mktemp("trained")
    demos = tmp_path / "robot.hdf5"
    run_cli("demos", "--task", "push", "--embodiment", "robotiq", "--episodes", "1", "--seed",
            "3", "--width", "32", "--height", "32", "--threads", "1", "--out", str(demos))
    (tmp_path / "policy.yaml").write_text(
        "image_size: 16\nobs_horizon: 2\naction_horizon: 4\n"
        "encoder: {channels: [4, 8], keypoints: 4, feature_dim: 8}\n"
        "unet: {down_dims: [8, 16], groups: 4, step_embed_dim: 8}\n")
    (tmp_path / "train.yaml").write_text(
        f"policy: {tmp_path / 'policy.yaml'}\nepochs: 1\nbatch_size: 32\nwarmup_steps: 2\n"
        "threads: 1\nrobot_time_compression: 1\n")
    run = tmp_path / "run"
    run_cli("train", "--method", "robot_only", "--robot", str(demos), "--config",
            str(tmp_path / "train.yaml"), "--out", str(run))
    return run, demos


def test_a_trained_run_acts_as_in_immimic_eval(trained, tmp_path):
    run, _ = trained
    trace = tmp_path / "trace.csv"
    run_cli("eval", "--run", str(run), "--episodes", "1", "--seed", "5", "--max-steps", "12",
            "--replan-every", "2", "--ensemble-decay", "0", "--threads", "1", "--trace",
            str(trace))
    expected = trace_actions(trace, 7)
    env = immimic.make(**immimic.run_env(str(run)))
    policy = immimic.load_policy(str(run), replan_every=2, ensemble_decay=0.0)
    seed = immimic.episode_seed(5, 0)
    obs, _ = env.reset(seed=seed)
    policy.reset(seed)
    actions = []
    for _ in range(12):
        actions.append(policy.act(obs))
        obs, *_ = env.step(actions[-1])
    assert np.allclose(np.array(actions), expected, rtol=1e-5, atol=1e-6)


def test_the_example_script_runs():
    root = os.environ["IMMIMIC_ROOT"]
    out = subprocess.run(["/usr/bin/python3", f"{root}/examples/python/expert_rollout.py",
                          "--task", "push", "--embodiment", "fin_ray", "--seed", "1"],
                         check=True, capture_output=True, text=True).stdout
    assert "success True" in out, out
    out = subprocess.run(["/usr/bin/python3", f"{root}/examples/python/expert_rollout.py",
                          "--random", "--max-steps", "20"],
                         check=True, capture_output=True, text=True).stdout
    assert "after 20 steps" in out, out


def test_a_vector_env_steps_as_its_envs_one_by_one():
    vec = immimic.make_vec(3, "push", "robotiq", images=False, threads=2)
    obs, _ = vec.reset(seed=10)
    singles = [immimic.make("push", "robotiq", images=False) for _ in range(3)]
    single_obs = [env.reset(seed=10 + i)[0] for i, env in enumerate(singles)]
    for a, b in zip(obs, single_obs):
        assert np.array_equal(a["object_state"], b["object_state"])
    for _ in range(5):
        actions = np.array([vec.single_action_space.sample() for _ in range(3)])
        obs, rewards, terminated, truncated, infos = vec.step(actions)
        for i, env in enumerate(singles):
            o, r, *_ = env.step(actions[i])
            assert np.array_equal(obs[i]["eef_pose"], o["eef_pose"]) and rewards[i] == r
    with pytest.raises(ValueError, match="3 x 7"):
        vec.step(np.zeros((2, 7)))


def test_dataset_helpers_validate_and_replay(trained, tmp_path):
    _, demos = trained
    summary = immimic.validate_dataset(str(demos))
    assert summary["demos"] == 1 and not summary["human"]
    assert summary["lengths"][0] == summary["total"] > 0
    replay = immimic.replay_dataset(str(demos), 0)
    assert replay["mode"] == "actions"
    assert replay["max_state_divergence"] == 0.0  # exact replay, as `immimic replay` reports
    assert replay["replay_success"] == replay["stored_success"]
    broken = tmp_path / "broken.hdf5"
    broken.write_bytes(demos.read_bytes()[:5000])
    with pytest.raises(immimic.InputError):
        immimic.validate_dataset(str(broken))
    with pytest.raises(immimic.InputError):
        immimic.replay_dataset(str(demos), 3)


def test_the_video_and_evaluation_examples_run(trained, tmp_path):
    root = os.environ["IMMIMIC_ROOT"]
    video = tmp_path / "expert.mp4"
    out = subprocess.run(["/usr/bin/python3", f"{root}/examples/python/expert_video.py",
                          "--task", "push", "--embodiment", "fin_ray", "--seed", "1", "--size",
                          "64", "--out", str(video)],
                         check=True, capture_output=True, text=True).stdout
    assert "success True" in out and video.stat().st_size > 1000, out
    run, _ = trained
    out = subprocess.run(["/usr/bin/python3", f"{root}/examples/python/evaluate_run.py", str(run),
                          "--episodes", "2", "--max-steps", "10", "--replan-every", "2"],
                         check=True, capture_output=True, text=True).stdout
    assert "success " in out and out.strip().endswith("/2"), out
    with pytest.raises(immimic.InputError):
        immimic.VideoWriter(str(tmp_path / "v.mp4"), 8, 8).add(np.zeros((4, 4), np.uint8))


@pytest.mark.parametrize("task", immimic.list_tasks())
def test_the_expert_succeeds_from_python_where_it_does_in_cpp(task):
    """One seed per cell, human pace: Python's episode ends as the CLI's does."""
    for embodiment in immimic.list_embodiments():
        cli = run_cli("eval", "--expert", "human", "--task", task, "--embodiment", embodiment,
                      "--episodes", "1", "--seed", "7", "--threads", "1", "--width", "32",
                      "--height", "32")
        expected = json.loads(cli)["per_episode"][0]["success"]
        env = immimic.make(task, embodiment, images=False)
        seed = immimic.episode_seed(7, 0)
        obs, _ = env.reset(seed=seed)
        policy = immimic.expert(env, "human")
        policy.reset(seed)
        terminated = truncated = False
        info = {"success": False}
        while not (terminated or truncated):
            obs, _, terminated, truncated, info = env.step(policy.act(obs))
        assert info["success"] == expected, (task, embodiment)
