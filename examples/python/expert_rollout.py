#!/usr/bin/python3
"""Runs the scripted expert of a task through the Python API and reports the episode; with
--random, random actions instead. Usage (from the project root, after scripts/build):

    PYTHONPATH=build/python examples/python/expert_rollout.py --task push --embodiment robotiq
"""
import argparse

import immimic


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="push", choices=immimic.list_tasks())
    parser.add_argument("--embodiment", default="robotiq")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--random", action="store_true", help="random actions, not the expert")
    parser.add_argument("--max-steps", type=int, default=900)
    args = parser.parse_args()

    env = immimic.make(args.task, args.embodiment, images=False)
    obs, _ = env.reset(seed=args.seed)
    env.action_space.seed(args.seed)
    policy = None if args.random else immimic.expert(env, "teleop")
    if policy is not None:
        policy.reset(args.seed)
    info, steps, total = {"success": False}, 0, 0.0
    for steps in range(1, args.max_steps + 1):
        action = env.action_space.sample() if policy is None else policy.act(obs)
        obs, reward, terminated, truncated, info = env.step(action)
        total += reward
        if terminated or truncated:
            break
    print(f"{args.task} x {args.embodiment}, seed {args.seed}: success {info['success']} "
          f"after {steps} steps, return {total:.2f}")


if __name__ == "__main__":
    main()
