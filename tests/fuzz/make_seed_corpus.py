#!/usr/bin/python3
"""Writes the fuzz targets' seed corpus (tests/fuzz/corpus/): valid inputs of every format, each
prefixed with the byte that picks its parser in the target. Protocol frames are built here from
the protocols' rules; configs, MJCF parts and manifests are copied from the repository; HDF5
datasets and alignment files are made by the immimic executable, a bridge log by the datasets
tests (their stream-log round trip), the files of a tiny run folder by the runs target itself
(tests/fuzz/tiny_run.h).

Usage: tests/fuzz/make_seed_corpus.py build/cli/immimic build/tests/datasets/datasets_tests \
           build/tests/fuzz/runs_replay
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "tests", "fuzz", "corpus")


def write(target, name, selector, payload):
    os.makedirs(os.path.join(CORPUS, target), exist_ok=True)
    with open(os.path.join(CORPUS, target, name), "wb") as f:
        f.write(bytes([selector]) + payload)


def crc16_modbus(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return struct.pack("<H", crc)


def crc16_dynamixel(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return struct.pack("<H", crc)


def ppp(frame):
    """Appends the Ability checksum and PPP-stuffs the frame."""
    frame += bytes([(-sum(frame)) & 0xFF])
    stuffed = bytearray([0x7E])
    for b in frame:
        stuffed += bytes([0x7D, b ^ 0x20]) if b in (0x7E, 0x7D) else bytes([b])
    return bytes(stuffed + b"\x7e")


def protocols():
    status = bytes([9, 4, 6, 0xF9, 0, 0, 200, 198, 12])
    write("protocols", "robotiq_status", 0, status + crc16_modbus(status))
    ack = bytes([9, 16, 0x03, 0xE8, 0, 3])
    write("protocols", "robotiq_ack", 1, ack + crc16_modbus(ack))
    request = bytes([9, 16, 0x03, 0xE8, 0, 3, 6, 9, 0, 0, 255, 255, 255])
    write("protocols", "robotiq_request", 2, request + crc16_modbus(request))
    command = b"IMAC" + struct.pack("<HHI3d4d", 1, 1, 5, 0.5, 0.0, 1.0, 0, 1, 0, 0)
    write("protocols", "arm_command", 3, command)
    state = b"IMAS" + struct.pack("<HHId3d4d7d", 1, 0, 5, 1.5, 0.5, 0, 1, 0, 1, 0, 0, *[0.1] * 7)
    write("protocols", "arm_state", 4, state)
    ping_status = bytes([0xFF, 0xFF, 0xFD, 0, 1, 7, 0, 0x55, 0, 0x06, 0x04, 0x26])
    packet = ping_status + crc16_dynamixel(ping_status)
    write("protocols", "dynamixel_stream", 5, b"\x00\x13" + packet + packet[:5])
    write("protocols", "dynamixel_packet", 6, packet)
    frame = bytes([0x50, 0x10]) + struct.pack("<6h", 100, 200, 300, 400, 500, -600)
    frame += bytes([(-sum(frame)) & 0xFF])
    stuffed = bytearray([0x7E])
    for b in frame:
        stuffed += bytes([0x7D, b ^ 0x20]) if b in (0x7E, 0x7D) else bytes([b])
    write("protocols", "ability_frame", 7, bytes(stuffed + b"\x7e"))
    # the hand's replies: no address; (position, current) x 6, then touch sensors or velocities
    pairs = struct.pack("<12h", 6553, 10, 100, 20, 0, 0, -5, 0, 7000, 40, -6553, -60)
    for variant, rest in ((0, bytes(range(45)) + b"\x00"), (2, struct.pack("<6hB", *range(6), 1))):
        write("protocols", f"ability_reply_{variant}", 7, ppp(bytes([0x10 + variant]) + pairs + rest))
    positions = struct.pack("<HBB4h", 0x21 << 2, 1 << 1, 8, 10, -20, 30, -40)
    write("protocols", "allegro_positions", 8, positions)
    torque = struct.pack("<HBB4h", 0x62 << 2, 0, 8, 1, -2, 300, -32768)
    write("protocols", "allegro_request", 9, torque)
    # a 4 x 2 YUYV frame with 2 bytes of padding per row: black, white, red, grey
    row = bytes([16, 128, 235, 128, 81, 90, 81, 240, 0, 0])
    write("protocols", "yuyv_frame", 10, bytes([4, 2, 2]) + row + row)


def configs():
    sources = [(0, "env", ["default"]), (1, "embodiments", None), (2, "randomization", None),
               (3, "retarget", None), (4, "hardware", None)]
    for selector, folder, names in sources:
        directory = os.path.join(ROOT, "configs", folder)
        for file in sorted(os.listdir(directory)):
            stem = file[:-5]
            if file.endswith(".yaml") and (names is None or stem in names):
                with open(os.path.join(directory, file), "rb") as f:
                    write("configs", f"{folder}_{stem}", selector, f.read())
    # selector 5, then the task byte: the order of configs_fuzz.cc's ParseTaskConfig
    for index, task in enumerate(["pick_place", "push", "flip", "hammer"]):
        with open(os.path.join(ROOT, "configs", "tasks", task + ".yaml"), "rb") as f:
            write("configs", f"tasks_{task}", 5, bytes([index]) + f.read())


# agents::MethodNames() in registration order: the second byte of a method config picks one
METHODS = ["robot_only", "fine_tune", "co_train", "random_map", "immimic_v", "immimic_a",
           "human_only"]


def recipes():
    """Training, policy, method and suite configs; the second byte picks a method config's method."""
    def copy(selector, method, path, name):
        with open(path, "rb") as f:
            write("recipes", name, selector, bytes([method]) + f.read())
    for selector, folder in ((0, "train"), (1, "policy"), (3, "suites")):
        directory = os.path.join(ROOT, "configs", folder)
        for file in sorted(f for f in os.listdir(directory) if f.endswith(".yaml")):
            copy(selector, 0, os.path.join(directory, file), f"{folder}_{file[:-5]}")
    copy(3, 0, os.path.join(ROOT, "examples", "bc_suite.yaml"), "suites_bc_example")
    methods = os.path.join(ROOT, "configs", "methods")
    for name in METHODS:
        copy(2, METHODS.index(name), os.path.join(methods, name + ".yaml"), f"methods_{name}")
    for file in sorted(os.listdir(os.path.join(methods, "variants"))):
        base = next(m for m in sorted(METHODS, key=len, reverse=True) if file.startswith(m))
        copy(2, METHODS.index(base), os.path.join(methods, "variants", file),
             f"methods_{file[:-5]}")


def runs(runs_replay):
    """The target writes the files of its tiny run (IMMIMIC_FUZZ_SEEDS) on its first input."""
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "input"), "wb") as f:
            f.write(b"\x00{}")
        env = dict(os.environ, IMMIMIC_ROOT=ROOT, IMMIMIC_FUZZ_SEEDS=os.path.join(CORPUS, "runs"))
        subprocess.run([runs_replay, tmp], check=True, capture_output=True, env=env)


def bridge_log(datasets_tests):
    subprocess.run([datasets_tests, "--gtest_filter=StreamLog.ReadsBackWhatWasWritten"],
                   check=True, capture_output=True)
    folder = os.path.join(tempfile.gettempdir(), "immimic_stream_log_test")
    newest = max((os.path.join(folder, f) for f in os.listdir(folder) if f.startswith("roundtrip")),
                 key=os.path.getmtime)
    with open(newest, "rb") as f:
        write("files", "bridge_log", 2, f.read())


def shrink(path, frames=3):
    """Keeps the first frames of every demo, so that the seed is small enough to mutate fast."""
    import h5py
    with h5py.File(path, "r+") as f:
        total = 0
        for demo in f["data"].values():
            long = []
            demo.visititems(lambda name, node: long.append(node) if isinstance(
                node, h5py.Dataset) and node.shape and node.shape[0] > frames else None)
            for node in long:  # not while visiting: deleting under visititems crashes h5py
                data, parent, leaf = node[:frames], node.parent, node.name.rsplit("/", 1)[-1]
                del parent[leaf]
                parent.create_dataset(leaf, data=data)
            demo.attrs["num_samples"] = frames
            demo.attrs["model_file"] = b"<mujoco/>"  # the scene's MJCF: 200 kB the reader only copies
            total += frames
        f["data"].attrs["total"] = total
    # deleted datasets leave their space behind: copy into a fresh file
    compact = path + ".compact"
    with h5py.File(path, "r") as src, h5py.File(compact, "w") as dst:
        copy_tree(src, dst)
    os.replace(compact, path)


def copy_tree(src, dst):
    """Group by group (h5py's Group.copy, HDF5's H5Ocopy, crashes on these files)."""
    import h5py
    for key, value in src.attrs.items():
        dst.attrs[key] = value
    for key, node in src.items():
        if isinstance(node, h5py.Group):
            copy_tree(node, dst.create_group(key))
        else:
            dst.create_dataset(key, data=node[()])
            for attr, value in node.attrs.items():
                dst[key].attrs[attr] = value


def files(immimic):
    with tempfile.TemporaryDirectory() as tmp:
        robot = os.path.join(tmp, "robot.hdf5")
        human = os.path.join(tmp, "human.hdf5")
        run = lambda *args: subprocess.run([immimic, *args], check=True, capture_output=True)
        common = ["--task", "pick_place", "--episodes", "1", "--seed", "3", "--width", "8",
                  "--height", "8", "--threads", "1"]
        run("demos", "--embodiment", "robotiq", "--style", "human", *common, "--out", robot)
        run("demos", "--embodiment", "human", *common, "--out", human)
        retargeted = os.path.join(tmp, "retargeted.hdf5")
        run("retarget", "--human", human, "--embodiment", "robotiq", "--out", retargeted)
        alignment = os.path.join(tmp, "alignment.json")
        run("map", "--human", retargeted, "--robot", robot, "--out", alignment)
        for name, path in [("robot", robot), ("human", human), ("retargeted", retargeted)]:
            shrink(path)
            with open(path, "rb") as f:
                write("files", f"dataset_{name}", 0, f.read())
        with open(alignment, "rb") as f:
            write("files", "alignment", 1, f.read())
    manifest = {"format": "immimic-bundle", "format_version": 1, "software_version": "0.1.0",
                "embodiment": "robotiq", "task": "pick_place", "method": "robot_only",
                "files": {"run/run.json":
                          "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}}
    write("files", "bundle_manifest", 3, json.dumps(manifest).encode())
    objects = os.path.join(ROOT, "assets", "objects")
    for file in sorted(os.listdir(objects))[:4]:
        with open(os.path.join(objects, file), "rb") as f:
            write("files", f"mjcf_{file[:-4]}", 4, f.read())


def suite_outputs():
    """The files of suite_outputs_fuzz.cc's finished suite, as it writes them: the first byte
    picks the kind, the second the stage."""
    suite = ("name: tiny\ntasks: [push]\nembodiments: [robotiq]\nmethods: [robot_only, immimic_a]\n"
             "seeds: [0]\ndata: {robot_demos: 1, human_videos: 2, image_size: 32}\n"
             "eval: {episodes: 2, max_steps: 30, replan_every: 2}\n")
    evaluation = {"successes": 1, "episodes": 2, "per_episode": [
        {"index": 0, "success": True, "sparc": -1.5, "ldlj": -6.0},
        {"index": 1, "success": False, "sparc": None, "ldlj": None}]}
    files = [("suite_yaml", suite), ("cache_path", "/nonexistent/cache"),
             ("done_json", json.dumps({"seconds": 1.5})), ("eval_json", json.dumps(evaluation)),
             ("summary_json", json.dumps({"action_distance": 0.25}))]
    for kind, (name, text) in enumerate(files):
        write("suite_outputs", name, kind, bytes([0]) + text.encode())


def torchscript():
    """make_modules.py's modules, one valid and four breaking the contract, each a whole file."""
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "data", "torchscript",
                                                         "make_modules.py"), out], check=True)
        os.makedirs(os.path.join(CORPUS, "torchscript"), exist_ok=True)
        for file in sorted(os.listdir(out)):
            shutil.copy(os.path.join(out, file), os.path.join(CORPUS, "torchscript",
                                                              "module_" + file[:-3]))


if __name__ == "__main__":
    protocols()
    configs()
    files(os.path.abspath(sys.argv[1]))
    bridge_log(os.path.abspath(sys.argv[2]))
    recipes()
    runs(os.path.abspath(sys.argv[3]))
    suite_outputs()
    torchscript()
