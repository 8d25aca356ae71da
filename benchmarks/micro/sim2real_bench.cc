// Round trips of the bridge's device links against the fakes of tests/sim2real: the arm link over
// loopback ZeroMQ (plain and CURVE), the Robotiq over Modbus TCP (libmodbus, loopback) and over
// Modbus RTU on a pseudo-terminal, a Dynamixel servo over Protocol 2.0 and the Ability hand's
// position command and reply (PPP frames) on pseudo-terminals.
// Each iteration is one request and its reply. Real devices add their bus time (a 15-byte RTU
// frame at 115200 baud is 1.3 ms on the wire alone); these figures are the software's share.
#include <benchmark/benchmark.h>

#include "sim2real/ability_hand.h"
#include "sim2real/arm_link.h"
#include "sim2real/dynamixel_servo.h"
#include "sim2real/robotiq_gripper.h"
#include "sim2real/robotiq_modbus_tcp.h"
#include "tests/sim2real/fake_ability.h"
#include "tests/sim2real/fake_arm_controller.h"
#include "tests/sim2real/fake_dynamixel.h"
#include "tests/sim2real/fake_robotiq.h"
#include "tests/sim2real/fake_robotiq_tcp.h"

namespace immimic::sim2real {
namespace {

ArmCommand Target() {
  ArmCommand c;
  c.kind = ArmCommandKind::kPoseTarget;
  c.position = {0.5, 0.0, 1.0};
  return c;
}

void ArmLinkPlain(benchmark::State& state) {
  ArmServerConfig server;
  server.endpoint = "tcp://127.0.0.1:*";
  testing::FakeArmController arm(server);
  ArmLinkConfig config;
  config.endpoint = arm.endpoint();
  ArmLink link(config);
  for (auto _ : state) benchmark::DoNotOptimize(link.Exchange(Target()));
}

void ArmLinkCurve(benchmark::State& state) {
  char server_public[41], server_secret[41], client_public[41], client_secret[41];
  zmq_curve_keypair(server_public, server_secret);
  zmq_curve_keypair(client_public, client_secret);
  ArmServerConfig server;
  server.endpoint = "tcp://127.0.0.1:*";
  server.server_public = server_public;
  server.server_secret = server_secret;
  server.allowed_client_keys = {client_public};
  testing::FakeArmController arm(server);
  ArmLinkConfig config;
  config.endpoint = arm.endpoint();
  config.curve = {server_public, client_public, client_secret};
  ArmLink link(config);
  for (auto _ : state) benchmark::DoNotOptimize(link.Exchange(Target()));
}

void RobotiqModbusTcpStatus(benchmark::State& state) {
  testing::FakeRobotiqTcp fake;
  RobotiqGripper gripper(std::make_unique<RobotiqTcpBus>("127.0.0.1", fake.port()));
  for (auto _ : state) benchmark::DoNotOptimize(gripper.Status());
}

void RobotiqRtuOverPtyStatus(benchmark::State& state) {
  testing::FakeRobotiq fake;
  SerialPort port(fake.slave_path(), 115200);
  RobotiqGripper gripper(port);
  for (auto _ : state) benchmark::DoNotOptimize(gripper.Status());
}

void DynamixelOverPtyPresentPosition(benchmark::State& state) {
  testing::FakeDynamixel fake(1);
  SerialPort port(fake.slave_path(), 57600);
  DynamixelServo servo(port, 1);
  for (auto _ : state) benchmark::DoNotOptimize(servo.PresentPosition());
}

void AbilityOverPtyPositionCommand(benchmark::State& state) {
  testing::FakeAbility fake;
  SerialPort port(fake.slave_path(), 460800);
  AbilityHand hand(port);
  for (auto _ : state) benchmark::DoNotOptimize(hand.SetPositions({30, 30, 30, 30, 30, -30}));
}

BENCHMARK(ArmLinkPlain)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(ArmLinkCurve)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(RobotiqModbusTcpStatus)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(RobotiqRtuOverPtyStatus)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(DynamixelOverPtyPresentPosition)->Unit(benchmark::kMicrosecond)->UseRealTime();
BENCHMARK(AbilityOverPtyPositionCommand)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace
}  // namespace immimic::sim2real

BENCHMARK_MAIN();
