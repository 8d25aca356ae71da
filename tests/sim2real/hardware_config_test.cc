// Hardware configs with `backend: devices`: the shipped templates load, and every missing or
// unknown key, a hand for another embodiment, an arm endpoint off loopback without CURVE and a
// half-configured CURVE are ConfigErrors naming the file and the key.
#include "sim2real/hardware_config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/atomic_file.h"
#include "core/paths.h"

namespace immimic::sim2real {
namespace {
namespace fs = std::filesystem;

std::string Template(const std::string& name) {
  return core::ReadFile(core::NamedConfigPath("hardware", "hardware", name));
}

// `text` with `from` replaced by `to` (which must occur), written to a temporary .yaml file.
std::string Edited(const std::string& name, const std::string& from, const std::string& to) {
  std::string text = Template(name);
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  const fs::path dir = fs::temp_directory_path() / ("immimic_hw_" + std::to_string(getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / "rig.yaml";
  std::ofstream(path) << text;
  return path.string();
}

// The ConfigError's message, or "" when loading succeeds.
std::string ErrorOf(const std::string& path) {
  try {
    LoadHardwareConfig(path);
    return "";
  } catch (const core::ConfigError& e) {
    return e.what();
  }
}

TEST(HardwareConfig, ShippedRealRigTemplatesLoad) {
  const HardwareConfig robotiq = LoadHardwareConfig("real_robotiq");
  EXPECT_EQ(robotiq.backend, "devices");
  EXPECT_EQ(robotiq.devices.arm.endpoint, "tcp://127.0.0.1:5555");
  EXPECT_EQ(robotiq.devices.hand.type, "robotiq_rtu");
  EXPECT_EQ(robotiq.devices.hand.baud, 115200);
  EXPECT_EQ(robotiq.devices.hand.slave, 9);
  ASSERT_EQ(robotiq.devices.cameras.size(), 2u);
  EXPECT_EQ(robotiq.devices.cameras[0].name, "agentview");
  EXPECT_EQ(robotiq.devices.cameras[0].device, "/dev/video0");
  const HardwareConfig fin_ray = LoadHardwareConfig("real_fin_ray");
  EXPECT_EQ(fin_ray.devices.hand.type, "dynamixel");
  EXPECT_EQ(fin_ray.devices.hand.open_ticks, 1000);
  EXPECT_EQ(fin_ray.devices.hand.closed_ticks, 3000);
  const HardwareConfig ability = LoadHardwareConfig("real_ability");
  EXPECT_EQ(ability.devices.hand.type, "ability");
  EXPECT_EQ(ability.devices.hand.baud, 460800);
  const HardwareConfig allegro = LoadHardwareConfig("real_allegro");
  EXPECT_EQ(allegro.devices.hand.interface, "can0");
  EXPECT_EQ(allegro.devices.hand.max_duty, 800);
  for (const char* sim : {"sim_robotiq", "sim_fin_ray", "sim_ability", "sim_allegro"}) {
    EXPECT_EQ(LoadHardwareConfig(sim).backend, "sim");
  }
}

TEST(HardwareConfig, DevicesBlockIsStrict) {
  std::string e = ErrorOf(Edited("real_ability", "    baud: 460800\n", ""));
  EXPECT_NE(e.find("rig.yaml: missing key 'devices.hand.baud'"), std::string::npos) << e;
  e = ErrorOf(Edited("real_ability", "    baud: 460800\n", "    baud: 460800\n    slave: 9\n"));
  EXPECT_NE(e.find("devices.hand.slave"), std::string::npos) << e;  // not a key of the Ability
  e = ErrorOf(Edited("real_robotiq", "type: robotiq_rtu", "type: ability"));
  EXPECT_NE(e.find("devices.hand.type: ability drives the ability, not the robotiq"),
            std::string::npos)
      << e;
  e = ErrorOf(Edited("real_robotiq", "type: robotiq_rtu", "type: robotiq_usb"));
  EXPECT_NE(e.find("'robotiq_usb' is not a hand of this build"), std::string::npos) << e;
  e = ErrorOf(Edited("real_allegro", "hand_id: 0", "hand_id: 4"));
  EXPECT_NE(e.find("devices.hand.hand_id: 4 is outside [0, 3]"), std::string::npos) << e;
  e = ErrorOf(Edited("real_allegro", "kd: 5", "kd: -1"));
  EXPECT_NE(e.find("kp must be positive, kd not negative"), std::string::npos) << e;
  e = ErrorOf(Edited("real_fin_ray", "open_ticks: 1000", "open_ticks: 3000"));
  EXPECT_NE(e.find("open_ticks and closed_ticks must differ"), std::string::npos) << e;
  e = ErrorOf(Edited("real_fin_ray", "tcp://127.0.0.1:5555", "tcp://192.168.1.20:5555"));
  EXPECT_NE(e.find("devices.arm.endpoint"), std::string::npos) << e;
  EXPECT_NE(e.find("not loopback"), std::string::npos) << e;
  e = ErrorOf(Edited("real_fin_ray", "curve_server_public_key_file: \"\"",
                     "curve_server_public_key_file: server.key"));
  EXPECT_NE(e.find("all set (CURVE) or all"), std::string::npos) << e;
  e = ErrorOf(Edited("real_robotiq", "wrist: {", "side: {"));
  EXPECT_NE(e.find("devices.cameras.side: cameras are agentview and wrist"), std::string::npos)
      << e;
  e = ErrorOf(Edited("real_robotiq", "width: 640", "width: 4"));
  EXPECT_NE(e.find("devices.cameras.agentview.width: 4 is outside"), std::string::npos) << e;
  e = ErrorOf(Edited("real_robotiq", "devices:\n", "sim:\n  seed: 0\ndevices:\n"));
  EXPECT_NE(e.find("sim"), std::string::npos) << e;  // the other backend's block is unknown
  e = ErrorOf(Edited("real_robotiq", "\nbackend: devices", "\nbackend: sim"));
  EXPECT_NE(e.find("missing key 'sim'"), std::string::npos) << e;
  e = ErrorOf(Edited("real_robotiq", "\nbackend: devices", "\nbackend: ros"));
  EXPECT_NE(e.find("'ros' is not a backend of this build (sim, devices)"), std::string::npos) << e;
}

TEST(HardwareConfig, RelativeKeyFilesAreRelativeToTheConfig) {
  std::string path = Edited("real_robotiq", "tcp://127.0.0.1:5555", "tcp://10.0.0.2:5555");
  std::string text = core::ReadFile(path);
  for (const char* key : {"server_public", "client_public", "client_secret"}) {
    const std::string from = std::string("curve_") + key + "_key_file: \"\"";
    text.replace(text.find(from), from.size(),
                 std::string("curve_") + key + "_key_file: keys/" + key + ".key");
  }
  std::ofstream(path) << text;
  const HardwareConfig h = LoadHardwareConfig(path);
  EXPECT_EQ(h.devices.arm.server_public_key_file,
            (fs::path(path).parent_path() / "keys/server_public.key").string());
  EXPECT_EQ(h.devices.hand.type, "robotiq_rtu");
}

}  // namespace
}  // namespace immimic::sim2real
