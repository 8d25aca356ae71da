// The Ability hand's driver against a byte-level fake hand on a pseudo-terminal: position
// commands and replies cross a real tty in PPP frames, the keep-alive holds the hand in API mode
// past its 300 ms watchdog (and without it the hand drops out), and a corrupt or missing reply is
// a clear error after which the link still works.
#include <gtest/gtest.h>

#include <cmath>
#include <thread>

#include "envs/embodiment_spec.h"
#include "sim2real/ability_hand.h"
#include "sim2real/device_rig.h"
#include "tests/sim2real/fake_ability.h"

namespace immimic::sim2real {
namespace {

using std::chrono::milliseconds;

constexpr std::array<double, 6> kGrip = {30, 30, 30, 30, 30, -30};

// Waits until `done` or `limit` passes; returns whether `done` came true.
template <typename Condition>
bool WaitFor(Condition done, milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

TEST(AbilityOverPty, PositionCommandsComeBackInTheReply) {
  testing::FakeAbility fake;
  SerialPort port(fake.slave_path(), 460800);
  AbilityHand hand(port);
  const AbilityReply reply = hand.SetPositions(kGrip);
  EXPECT_EQ(reply.variant, 2);
  EXPECT_EQ(reply.positions[0], 6553);  // 30 degrees
  EXPECT_EQ(reply.positions[5], -6553);
  EXPECT_EQ(reply.currents[5], -60);
  EXPECT_TRUE(fake.api_mode());
  EXPECT_EQ(hand.ReadOnly().positions, reply.positions);
  EXPECT_EQ(fake.commands(), 1);  // a read-only request is no command
  AbilityHand touch(port, 0);     // the variant with the touch sensors
  EXPECT_EQ(touch.SetPositions({10, 0, 0, 0, 0, 0}).positions[0], AbilityPositionUnits(10));
  EXPECT_THROW(AbilityHand(port, 3), ProtocolError);
}

TEST(AbilityOverPty, KeepAliveResendsOnlyAfterTheQuietPeriod) {
  testing::FakeAbility fake;
  SerialPort port(fake.slave_path(), 460800);
  AbilityHand hand(port, 2, 20, milliseconds(150));
  EXPECT_FALSE(hand.KeepAlive(AbilityHand::Clock::now() + milliseconds(500)));  // nothing to resend
  hand.SetPositions(kGrip);
  const auto sent = AbilityHand::Clock::now();
  EXPECT_FALSE(hand.KeepAlive(sent + milliseconds(100)));
  EXPECT_TRUE(hand.KeepAlive(sent + milliseconds(200)));
  EXPECT_EQ(fake.commands(), 2);
  EXPECT_EQ(fake.positions()[5], -6553);  // the same command again
}

TEST(AbilityOverPty, KeepAliveThreadHoldsApiModePastTheWatchdog) {
  testing::FakeAbility fake;
  SerialPort port(fake.slave_path(), 460800);
  AbilityHand hand(port);
  AbilityKeepAlive keep_alive(hand);
  hand.SetPositions(kGrip);
  // three watchdog periods with no command from the loop
  const auto end = std::chrono::steady_clock::now() + milliseconds(900);
  WaitFor([&] { return std::chrono::steady_clock::now() > end; }, milliseconds(2000));
  EXPECT_TRUE(fake.api_mode());
  EXPECT_EQ(fake.dropouts(), 0);
  EXPECT_GE(keep_alive.resent(), 4);
  EXPECT_EQ(keep_alive.error(), "");
}

TEST(AbilityOverPty, WithoutKeepAliveTheHandLeavesApiMode) {
  testing::FakeAbility fake;
  SerialPort port(fake.slave_path(), 460800);
  AbilityHand hand(port);
  hand.SetPositions(kGrip);
  const auto sent = std::chrono::steady_clock::now();
  ASSERT_TRUE(WaitFor([&] { return fake.dropouts() == 1; }, milliseconds(2000)));
  EXPECT_GE(std::chrono::steady_clock::now() - sent, milliseconds(300));
  EXPECT_FALSE(fake.api_mode());
}

TEST(AbilityOverPty, CorruptAndMissingRepliesAreClearErrors) {
  testing::FakeAbility fake;
  SerialPort port(fake.slave_path(), 460800);
  AbilityHand hand(port, 2, 40);
  fake.corrupt_next = true;
  const std::string corrupt = testing::ProtocolErrorOf([&] { hand.SetPositions(kGrip); });
  EXPECT_NE(corrupt.find("no valid reply within 40 ms"), std::string::npos) << corrupt;
  EXPECT_NE(corrupt.find("bad checksum"), std::string::npos) << corrupt;
  EXPECT_EQ(hand.SetPositions(kGrip).positions[0], 6553);  // the next exchange works
  fake.silent = true;
  EXPECT_EQ(testing::ProtocolErrorOf([&] { hand.ReadOnly(); }),
            "ability: no valid reply within 40 ms");
  fake.silent = false;
  EXPECT_EQ(hand.ReadOnly().positions[0], 6553);
  // a keep-alive that meets silence reports it
  fake.silent = true;
  {
    AbilityKeepAlive keep_alive(hand, milliseconds(10));
    ASSERT_TRUE(WaitFor([&] { return !keep_alive.error().empty(); }, milliseconds(2000)));
    EXPECT_NE(keep_alive.error().find("no valid reply"), std::string::npos);
  }
}

TEST(AbilityHandDevice, MapsTheEmbodimentsRadiansToDegreesAndBack) {
  const envs::EmbodimentSpec ability = envs::LoadEmbodimentSpec("ability");
  testing::FakeAbility fake;
  SerialPort port(fake.slave_path(), 460800);
  AbilityHand hand(port);
  AbilityHandDevice device(hand, ability.hand);
  Eigen::VectorXd closed(6);
  for (int i = 0; i < 6; ++i) closed[i] = ability.hand[i].closed;
  const std::array<double, 6> degrees = device.ToDegrees(closed);
  EXPECT_NEAR(degrees[0], 1.2 * 180 / M_PI, 1e-9);     // index 1.2 rad = 68.75 degrees
  EXPECT_NEAR(degrees[5], -2.094 * 180 / M_PI, 1e-9);  // the rotator keeps its sign
  Eigen::VectorXd beyond = closed;
  beyond[0] = 5.0;  // past the index's 2.094 rad
  beyond[5] = 1.0;  // the rotator's range is [-2.094, 0]
  EXPECT_NEAR(device.ToDegrees(beyond)[0], 2.094 * 180 / M_PI, 1e-9);
  EXPECT_EQ(device.ToDegrees(beyond)[5], 0.0);
  device.Send(closed);
  EXPECT_EQ(fake.commands(), 1);
  EXPECT_EQ(fake.positions()[0], AbilityPositionUnits(degrees[0]));
  // one unit is 150 / 32767 degrees: 8e-5 rad
  EXPECT_LT((device.Read() - closed).cwiseAbs().maxCoeff(), 1e-4);  // from the Send's reply
  EXPECT_LT((device.Read() - closed).cwiseAbs().maxCoeff(), 1e-4);  // a read-only request
  EXPECT_EQ(fake.commands(), 1);
  EXPECT_THROW(AbilityHandDevice(hand, {ability.hand[0]}), core::InputError);
}

}  // namespace
}  // namespace immimic::sim2real
