// The arm link (sim2real/arm_protocol.h, sim2real/arm_link.h): the message bytes as documented,
// malformed messages rejected, and exchanges with a fake arm controller over loopback ZeroMQ,
// plain and with CURVE, where a peer without the right keys can neither command nor read.

#include "sim2real/arm_link.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <thread>

#include "core/error.h"
#include "sim2real/devices.h"
#include "sim2real/protocol_error.h"
#include "tests/sim2real/fake_arm_controller.h"

namespace immimic::sim2real {
namespace {

ArmCommand Target(double x) {
  ArmCommand c;
  c.kind = ArmCommandKind::kPoseTarget;
  c.sequence = 7;
  c.position = {x, -0.1, 1.0};
  c.quaternion_wxyz = {0, 1, 0, 0};
  return c;
}

TEST(ArmProtocol, CommandBytesAreAsDocumented) {
  const std::vector<uint8_t> bytes = EncodeArmCommand(Target(0.5));
  ASSERT_EQ(bytes.size(), kArmCommandSize);
  EXPECT_EQ(std::memcmp(bytes.data(), "IMAC", 4), 0);
  EXPECT_EQ(bytes[4], 1);  // version 1, little-endian
  EXPECT_EQ(bytes[5], 0);
  EXPECT_EQ(bytes[6], 1);  // pose target
  EXPECT_EQ(bytes[8], 7);  // sequence
  double x;
  std::memcpy(&x, bytes.data() + 12, 8);
  EXPECT_EQ(x, 0.5);
  const ArmCommand back = DecodeArmCommand(bytes.data(), bytes.size());
  EXPECT_EQ(back.position, Target(0.5).position);
  EXPECT_EQ(back.sequence, 7u);
}

TEST(ArmProtocol, StateRoundTrips) {
  ArmState s;
  s.fault = true;
  s.sequence = 99;
  s.stamp = 12.5;
  s.position = {0.4, 0.1, 0.9};
  s.joints[6] = 0.785;
  const std::vector<uint8_t> bytes = EncodeArmState(s);
  ASSERT_EQ(bytes.size(), kArmStateSize);
  const ArmState back = DecodeArmState(bytes.data(), bytes.size());
  EXPECT_TRUE(back.fault);
  EXPECT_FALSE(back.estop);
  EXPECT_EQ(back.sequence, 99u);
  EXPECT_EQ(back.joints[6], 0.785);
}

std::string DecodeError(std::vector<uint8_t> bytes) {
  try {
    DecodeArmCommand(bytes.data(), bytes.size());
    return "";
  } catch (const ProtocolError& e) {
    return e.what();
  }
}

TEST(ArmProtocol, RejectsMalformedCommands) {
  const std::vector<uint8_t> good = EncodeArmCommand(Target(0.5));
  EXPECT_NE(DecodeError({good.begin(), good.end() - 1}).find("67 bytes, expected 68"),
            std::string::npos);
  std::vector<uint8_t> bad = good;
  bad[0] = 'X';
  EXPECT_NE(DecodeError(bad).find("bad magic"), std::string::npos);
  bad = good;
  bad[4] = 2;
  EXPECT_NE(DecodeError(bad).find("protocol version 2"), std::string::npos);
  bad = good;
  bad[6] = 9;
  EXPECT_NE(DecodeError(bad).find("unknown kind 9"), std::string::npos);
  bad = good;
  const double nan = std::nan("");
  std::memcpy(bad.data() + 20, &nan, 8);
  EXPECT_NE(DecodeError(bad).find("non-finite position"), std::string::npos);
  bad = good;
  const double two = 2.0;
  std::memcpy(bad.data() + 36, &two, 8);
  EXPECT_NE(DecodeError(bad).find("not unit length"), std::string::npos);
}

using testing::FakeArmController;

ArmServerConfig Loopback() {
  ArmServerConfig config;
  config.endpoint = "tcp://127.0.0.1:*";
  return config;
}

TEST(ArmLink, ExchangesWithAFakeControllerOnLoopback) {
  FakeArmController controller(Loopback());
  ArmLinkConfig config;
  config.endpoint = controller.endpoint();
  ArmLink link(config);
  for (int i = 0; i < 100; ++i) {
    const ArmState state = link.Exchange(Target(0.4 + 0.001 * i));
    EXPECT_EQ(state.sequence, static_cast<uint32_t>(i + 1));
    EXPECT_DOUBLE_EQ(state.position[0], 0.4 + 0.001 * i);
  }
}

TEST(ArmLink, TimesOutThenRecovers) {
  ArmServerConfig server_config;
  server_config.endpoint = "tcp://127.0.0.1:*";
  std::string endpoint;
  {
    FakeArmController probe(server_config);  // learn a free port, then free it
    endpoint = probe.endpoint();
  }
  ArmLinkConfig config;
  config.endpoint = endpoint;
  config.timeout = 0.05;
  ArmLink link(config);
  try {
    link.Exchange(Target(0.5));
    FAIL() << "no controller, yet a reply";
  } catch (const DeviceError& e) {
    EXPECT_NE(std::string(e.what()).find("no reply from"), std::string::npos);
  }
  server_config.endpoint = endpoint;
  FakeArmController controller(server_config);
  EXPECT_DOUBLE_EQ(link.Exchange(Target(0.5)).position[0], 0.5);  // reconnected within 10 ms
}

TEST(ArmLink, RefusesToLeaveLoopbackWithoutCurve) {
  ArmLinkConfig config;
  config.endpoint = "tcp://192.168.1.20:5555";
  EXPECT_THROW(ArmLink link(config), core::InputError);
  config.curve.server_public = "short";
  EXPECT_THROW(ArmLink link(config), core::InputError);
  ArmServerConfig server;
  server.endpoint = "tcp://0.0.0.0:5555";
  EXPECT_THROW(ArmServer(server, nullptr), core::InputError);
}

struct KeyPair {
  std::string public_key, secret_key;
};
KeyPair NewKeys() {
  char public_key[41], secret_key[41];
  EXPECT_EQ(zmq_curve_keypair(public_key, secret_key), 0);
  return {public_key, secret_key};
}

TEST(ArmLink, CurveAdmitsOnlyTheConfiguredClient) {
  const KeyPair server = NewKeys(), client = NewKeys(), stranger = NewKeys();
  ArmServerConfig server_config = Loopback();
  server_config.server_public = server.public_key;
  server_config.server_secret = server.secret_key;
  server_config.allowed_client_keys = {client.public_key};
  FakeArmController controller(server_config);

  ArmLinkConfig config;
  config.endpoint = controller.endpoint();
  config.timeout = 0.2;
  config.curve = {server.public_key, client.public_key, client.secret_key};
  ArmLink trusted(config);
  EXPECT_DOUBLE_EQ(trusted.Exchange(Target(0.45)).position[0], 0.45);

  config.curve = {server.public_key, stranger.public_key, stranger.secret_key};
  ArmLink unknown_client(config);
  EXPECT_THROW(unknown_client.Exchange(Target(0.6)), DeviceError);
  config.curve = {stranger.public_key, client.public_key, client.secret_key};
  ArmLink wrong_server_key(config);
  EXPECT_THROW(wrong_server_key.Exchange(Target(0.6)), DeviceError);
  // neither reached the arm: it is still where the trusted client put it
  EXPECT_DOUBLE_EQ(trusted.Exchange(ArmCommand{}).position[0], 0.45);
}

TEST(ArmLink, MalformedCommandGetsAnEmptyReplyAndIsCounted) {
  FakeArmController controller(Loopback());
  zmq::context_t context;
  zmq::socket_t raw(context, zmq::socket_type::req);
  raw.set(zmq::sockopt::rcvtimeo, 500);
  raw.connect(controller.endpoint());
  raw.send(zmq::str_buffer("hello"), zmq::send_flags::none);
  zmq::message_t reply;
  ASSERT_TRUE(raw.recv(reply, zmq::recv_flags::none));
  EXPECT_EQ(reply.size(), 0u);
  EXPECT_EQ(controller.rejected(), 1);
}

}  // namespace
}  // namespace immimic::sim2real
