#pragma once
// The arm link over ZeroMQ (docs/sim2real.md "Arm link"): the bridge's REQ socket sends one
// command (sim2real/arm_protocol.h) per control step to the arm controller's REP socket and waits
// at most `timeout` for the state. It binds and connects on loopback unless CURVE keys are set:
// across machines both sides encrypt and authenticate (CURVE), and the controller admits only
// the client public keys it was given (a ZAP handler), so a peer without the right keys can
// neither command the arm nor read its state.
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "sim2real/arm_protocol.h"

namespace immimic::sim2real {

// Z85-encoded CURVE keys (40 characters each), as zmq_curve_keypair makes them.
struct CurveClientKeys {
  std::string server_public, client_public, client_secret;
  bool enabled() const { return !server_public.empty(); }
};

struct ArmLinkConfig {
  std::string endpoint = "tcp://127.0.0.1:5555";
  double timeout = 0.05;  // s to wait for each reply
  CurveClientKeys curve;
};

// Throws core::InputError for a non-loopback endpoint without CURVE keys, or malformed keys.
void ValidateArmLinkConfig(const ArmLinkConfig& config);

class ArmLink {
 public:
  explicit ArmLink(const ArmLinkConfig& config);
  // Sends `command` (its sequence number is set here) and returns the controller's state.
  // Throws DeviceError on a timeout, a malformed reply or a sequence that does not match; the
  // link reconnects, so the next exchange can work again.
  ArmState Exchange(ArmCommand command);

 private:
  void Connect();

  ArmLinkConfig config_;
  zmq::context_t context_;
  std::unique_ptr<zmq::socket_t> socket_;
  uint32_t sequence_ = 0;
};

struct ArmServerConfig {
  std::string endpoint = "tcp://127.0.0.1:5555";
  std::string server_public, server_secret;      // "": no CURVE
  std::vector<std::string> allowed_client_keys;  // Z85 public keys admitted under CURVE
};

// The controller's side: what an arm controller process (and the tests' fake controller) runs.
class ArmServer {
 public:
  using Handler = std::function<ArmState(const ArmCommand&)>;
  ArmServer(const ArmServerConfig& config, Handler handler);
  ~ArmServer();
  // Answers at most one command, waiting up to `timeout_ms`; false if none came. A malformed
  // command is answered with an empty message (the client reports it) and counted in
  // rejected().
  bool ServeOne(int timeout_ms);
  int rejected() const { return rejected_; }
  // The bound endpoint (the port chosen when the config asked for "tcp://127.0.0.1:*").
  std::string endpoint() const;

 private:
  void Authenticate();

  ArmServerConfig config_;
  Handler handler_;
  zmq::context_t context_;
  std::unique_ptr<zmq::socket_t> zap_, socket_;
  std::atomic<bool> stop_{false};
  std::thread zap_thread_;
  int rejected_ = 0;
};

}  // namespace immimic::sim2real
