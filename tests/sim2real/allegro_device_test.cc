// The Allegro as a HandDevice: the host's PD loop on the CAN transport interface against the
// fake hand (whose joints move by the duty they get): duty by hand calculation, convergence to
// the commanded joints, the loop's thread at its rate, and a silent bus ending in a clear error.
#include "sim2real/allegro_hand_device.h"

#include <gtest/gtest.h>

#include <thread>

#include "sim2real/protocol_error.h"
#include "tests/sim2real/fake_allegro.h"
#include "tests/sim2real/pty_pair.h"

namespace immimic::sim2real {
namespace {

Eigen::VectorXd Closed(const envs::EmbodimentSpec& allegro) {
  Eigen::VectorXd closed(16);
  for (int i = 0; i < 16; ++i) closed[i] = allegro.hand[i].closed;
  return closed;
}

// 1 mrad per count and kp = 500 duty/rad: the fake's motor halves the error each cycle.
AllegroLoopConfig TestLoop(double kd, int max_duty) {
  AllegroLoopConfig config;
  config.radians_per_count = 0.001;
  config.kp = 500;
  config.kd = kd;
  config.max_duty = max_duty;
  return config;
}

TEST(AllegroHandDevice, DutyIsProportionalAndDerivativeAsCalculated) {
  const envs::EmbodimentSpec allegro = envs::LoadEmbodimentSpec("allegro");
  testing::FakeAllegro bus;
  AllegroHand hand(bus);
  hand.Servo(true);
  AllegroHandDevice device(hand, allegro.hand, TestLoop(2.0, 1000));
  device.Send(Closed(allegro));  // ff_j0 to 0.32 rad
  // first cycle: no velocity yet; 500 * 0.32 = 160 counts of duty, and the joint moves 160
  EXPECT_EQ(device.Step(0.01)[0], 160);
  EXPECT_NEAR(device.Read()[0], 0.0, 1e-12);  // measured before the duty went out
  // second: q = 0.16 rad, dq/dt = 16 rad/s: 500 * 0.16 - 2 * 16 = 48
  EXPECT_EQ(device.Step(0.01)[0], 48);
  EXPECT_NEAR(device.Read()[0], 0.16, 1e-12);
  AllegroHandDevice capped(hand, allegro.hand, TestLoop(0.0, 20));
  capped.Send(Closed(allegro));
  EXPECT_EQ(capped.Step(0.01)[0], 20);  // 500 * (0.32 - 0.208) = 56, capped at 20
}

TEST(AllegroHandDevice, ConvergesToTheTargetWithinACount) {
  const envs::EmbodimentSpec allegro = envs::LoadEmbodimentSpec("allegro");
  testing::FakeAllegro bus;
  AllegroHand hand(bus);
  hand.Servo(true);
  AllegroHandDevice device(hand, allegro.hand, TestLoop(0.0, 1000));
  Eigen::VectorXd target = Closed(allegro);
  target[1] = 9.0;  // beyond ff_j1's 1.61 rad: clamped
  device.Send(target);
  for (int i = 0; i < 40; ++i) device.Step(0.003);
  target[1] = allegro.hand[1].high;
  EXPECT_LT((device.Read() - target).cwiseAbs().maxCoeff(), 0.0015);
  EXPECT_THROW(device.Send(Eigen::VectorXd::Zero(6)), core::InputError);
  EXPECT_THROW(AllegroHandDevice(hand, {allegro.hand[0]}), core::InputError);
}

TEST(AllegroHandDevice, LoopThreadRunsAtItsRateAndStopsOnASilentBus) {
  const envs::EmbodimentSpec allegro = envs::LoadEmbodimentSpec("allegro");
  testing::FakeAllegro bus;
  AllegroHand hand(bus, 0, 5);
  {
    AllegroHandDevice device(hand, allegro.hand, TestLoop(0.0, 1000));
    device.Start();
    EXPECT_TRUE(bus.servo_on());
    device.Send(Closed(allegro));
    const auto start = std::chrono::steady_clock::now();
    while ((device.Read() - Closed(allegro)).cwiseAbs().maxCoeff() > 0.0015 &&
           std::chrono::steady_clock::now() - start < std::chrono::seconds(5)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_LT((device.Read() - Closed(allegro)).cwiseAbs().maxCoeff(), 0.0015);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    // 333 Hz: about 100 cycles in 300 ms; at least half of them on a loaded machine
    EXPECT_GE(device.cycles(), 50);
    bus.silent = true;
    std::string error;
    for (int i = 0; i < 400 && error.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      error = testing::ProtocolErrorOf([&] { device.Read(); });
    }
    EXPECT_NE(error.find("allegro position loop stopped: allegro: finger 0 did not answer"),
              std::string::npos)
        << error;
    EXPECT_EQ(testing::ProtocolErrorOf([&] { device.Send(Closed(allegro)); }), error);
  }
  EXPECT_FALSE(bus.servo_on());  // switched off when the device went away
}

}  // namespace
}  // namespace immimic::sim2real
