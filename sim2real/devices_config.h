#pragma once
// The `devices:` block of a hardware config with `backend: devices` (docs/sim2real.md): where the
// arm controller, the end-effector and the cameras of a real rig are. Strict like the rest of
// the file: a missing or unknown key is a core::ConfigError naming the file and key. Paths
// (serial ports, key files) are kept as written; relative key files are resolved against the
// config file's folder.
#include <cstdint>
#include <string>
#include <vector>

#include "core/strict_yaml.h"

namespace immimic::sim2real {

struct ArmLinkSection {
  std::string endpoint;   // ZeroMQ endpoint of the arm controller, e.g. tcp://127.0.0.1:5555
  double timeout = 0.05;  // s to wait for each reply
  // Files holding one Z85 key each (40 characters, as zmq_curve_keypair makes them); all three
  // empty: no CURVE, and the endpoint must be on loopback.
  std::string server_public_key_file, client_public_key_file, client_secret_key_file;
};

// One of (by `type`, and the embodiment it drives):
//   robotiq_rtu  (robotiq)  Modbus RTU on a serial port: port, baud, slave
//   robotiq_tcp  (robotiq)  Modbus TCP: host, tcp_port
//   dynamixel    (fin_ray)  Protocol 2.0 on a serial port: port, baud, id, open_ticks, closed_ticks
//   ability      (ability)  its UART: port, baud
//   allegro      (allegro)  SocketCAN: interface, hand_id, kp, kd, max_duty (the host's position
//                           loop, sim2real/allegro_hand_device.h)
// Keys of the other types are unknown keys.
struct HandSection {
  std::string type;
  std::string port;  // serial device, e.g. /dev/ttyUSB0
  int baud = 0;
  int slave = 9;  // Modbus slave id
  std::string host;
  int tcp_port = 502;
  int id = 1;  // Dynamixel id
  int32_t open_ticks = 0, closed_ticks = 0;
  std::string interface;  // CAN network interface, e.g. can0
  int hand_id = 0;        // 0..3, the low bits of the Allegro's CAN identifiers
  double kp = 0, kd = 0;  // duty per radian, per radian per second
  int max_duty = 0;
};

struct CameraSection {
  std::string name;    // agentview or wrist: the observation it fills
  std::string device;  // a V4L2 capture device, e.g. /dev/video0
  int width = 0,
      height = 0;  // the capture size (YUYV); frames are cropped and resized to the policy's
};

struct DevicesConfig {
  ArmLinkSection arm;
  HandSection hand;
  std::vector<CameraSection> cameras;  // may be empty for a policy that reads no images
};

// `node`: the `devices:` block; `embodiment`: the config's embodiment, which picks the hand types.
DevicesConfig ParseDevicesConfig(const core::YamlNode& node, const std::string& embodiment);

}  // namespace immimic::sim2real
