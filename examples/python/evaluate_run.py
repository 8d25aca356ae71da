#!/usr/bin/python3
"""Evaluates a trained run (`immimic train`) through the Python API, episode seeds as
`immimic eval --seed SEED` draws them, and prints the success rate. Usage:

    PYTHONPATH=build/python examples/python/evaluate_run.py runs/X --episodes 10 --seed 1000
"""
import argparse

import immimic


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run")
    parser.add_argument("--episodes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1000, help="the evaluation seed")
    parser.add_argument("--max-steps", type=int, default=450)
    parser.add_argument("--replan-every", type=int, default=8)
    args = parser.parse_args()

    env = immimic.make(**immimic.run_env(args.run))
    policy = immimic.load_policy(args.run, replan_every=args.replan_every)
    successes = 0
    for k in range(args.episodes):
        seed = immimic.episode_seed(args.seed, k)
        obs, _ = env.reset(seed=seed)
        policy.reset(seed)
        info = {"success": False}
        for _ in range(args.max_steps):
            obs, _, terminated, truncated, info = env.step(policy.act(obs))
            if terminated or truncated:
                break
        successes += info["success"]
        print(f"episode {k}: success {info['success']}")
    print(f"success {successes}/{args.episodes}")


if __name__ == "__main__":
    main()
