#!/usr/bin/python3
"""Rolls the scripted expert out through the Python API and saves the agentview camera as an mp4
(immimic.VideoWriter, through ffmpeg). Usage (from the project root, after scripts/build):

    PYTHONPATH=build/python examples/python/expert_video.py --task pick_place --out expert.mp4
"""
import argparse

import immimic


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="pick_place", choices=immimic.list_tasks())
    parser.add_argument("--embodiment", default="robotiq")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--style", default="human", choices=["teleop", "human"])
    parser.add_argument("--size", type=int, default=128, help="video width and height")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    env = immimic.make(args.task, args.embodiment, image_size=args.size)
    obs, _ = env.reset(seed=args.seed)
    policy = immimic.expert(env, args.style)
    policy.reset(args.seed)
    video = immimic.VideoWriter(args.out, args.size, args.size, fps=30)
    video.add(obs["agentview_image"])
    frames, info = 1, {"success": False}
    while True:
        obs, _, terminated, truncated, info = env.step(policy.act(obs))
        video.add(obs["agentview_image"])
        frames += 1
        if terminated or truncated:
            break
    video.close()
    print(f"{args.out}: {frames} frames, success {info['success']}")


if __name__ == "__main__":
    main()
