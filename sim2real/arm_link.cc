#include "sim2real/arm_link.h"

#include <cstring>

#include "core/error.h"
#include "sim2real/devices.h"
#include "sim2real/protocol_error.h"

namespace immimic::sim2real {
namespace {

constexpr char kZapEndpoint[] = "inproc://zeromq.zap.01";

bool IsLoopback(const std::string& endpoint) {
  return endpoint.rfind("tcp://127.", 0) == 0 || endpoint.rfind("tcp://localhost:", 0) == 0 ||
         endpoint.rfind("tcp://[::1]:", 0) == 0 || endpoint.rfind("ipc://", 0) == 0 ||
         endpoint.rfind("inproc://", 0) == 0;
}

void CheckKey(const std::string& key, const char* name) {
  uint8_t decoded[32];
  IMMIMIC_THROW_UNLESS(key.size() == 40 && zmq_z85_decode(decoded, key.c_str()) != nullptr,
                       core::InputError, "arm link: ", name,
                       " is not a 40-character Z85 CURVE key");
}

std::string ToString(const zmq::message_t& m) { return std::string(m.data<char>(), m.size()); }

}  // namespace

void ValidateArmLinkConfig(const ArmLinkConfig& c) {
  IMMIMIC_THROW_UNLESS(c.timeout > 0, core::InputError, "arm link: timeout must be positive");
  if (!c.curve.enabled()) {
    IMMIMIC_THROW_UNLESS(IsLoopback(c.endpoint), core::InputError, "arm link: ", c.endpoint,
                         " is not loopback: set CURVE keys to reach another machine");
    return;
  }
  CheckKey(c.curve.server_public, "server_public");
  CheckKey(c.curve.client_public, "client_public");
  CheckKey(c.curve.client_secret, "client_secret");
}

ArmLink::ArmLink(const ArmLinkConfig& config) : config_(config) {
  ValidateArmLinkConfig(config_);
  Connect();
}

void ArmLink::Connect() {
  socket_ = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::req);
  socket_->set(zmq::sockopt::linger, 0);
  socket_->set(zmq::sockopt::reconnect_ivl, 10);  // ms: a restarted controller is found at once
  socket_->set(zmq::sockopt::rcvtimeo, static_cast<int>(config_.timeout * 1000));
  socket_->set(zmq::sockopt::sndtimeo, static_cast<int>(config_.timeout * 1000));
  if (config_.curve.enabled()) {
    socket_->set(zmq::sockopt::curve_serverkey, config_.curve.server_public);
    socket_->set(zmq::sockopt::curve_publickey, config_.curve.client_public);
    socket_->set(zmq::sockopt::curve_secretkey, config_.curve.client_secret);
  }
  socket_->connect(config_.endpoint);
}

ArmState ArmLink::Exchange(ArmCommand command) {
  command.sequence = ++sequence_;
  const std::vector<uint8_t> bytes = EncodeArmCommand(command);
  zmq::message_t reply;
  const bool sent = socket_->send(zmq::buffer(bytes), zmq::send_flags::none).has_value();
  if (!sent || !socket_->recv(reply, zmq::recv_flags::none)) {
    Connect();  // a REQ socket that lost its reply cannot send again
    throw DeviceError("arm link: no reply from " + config_.endpoint + " within " +
                      std::to_string(static_cast<int>(config_.timeout * 1000)) + " ms");
  }
  ArmState state;
  try {
    state = DecodeArmState(reply.data<uint8_t>(), reply.size());
  } catch (const ProtocolError& e) {
    throw DeviceError(std::string("arm link: ") + e.what());
  }
  if (state.sequence != command.sequence) {
    throw DeviceError("arm link: reply to command " + std::to_string(state.sequence) +
                      ", expected " + std::to_string(command.sequence));
  }
  return state;
}

ArmServer::ArmServer(const ArmServerConfig& config, Handler handler)
    : config_(config), handler_(std::move(handler)) {
  const bool curve = !config_.server_secret.empty();
  IMMIMIC_THROW_UNLESS(curve || IsLoopback(config_.endpoint), core::InputError,
                       "arm server: ", config_.endpoint, " is not loopback: set CURVE keys");
  if (curve) {
    // the ZAP handler must be bound before the CURVE socket, in the same context
    zap_ = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::rep);
    zap_->set(zmq::sockopt::linger, 0);
    zap_->bind(kZapEndpoint);
    zap_thread_ = std::thread([this] { Authenticate(); });
  }
  socket_ = std::make_unique<zmq::socket_t>(context_, zmq::socket_type::rep);
  socket_->set(zmq::sockopt::linger, 0);
  if (curve) {
    socket_->set(zmq::sockopt::curve_server, 1);
    socket_->set(zmq::sockopt::curve_secretkey, config_.server_secret);
  }
  socket_->bind(config_.endpoint);
}

ArmServer::~ArmServer() {
  stop_ = true;
  if (zap_thread_.joinable()) zap_thread_.join();
}

// ZAP (RFC 27): each CURVE handshake asks here; only the allowed client keys get "200".
void ArmServer::Authenticate() {
  zmq::pollitem_t item{zap_->handle(), 0, ZMQ_POLLIN, 0};
  while (!stop_) {
    if (zmq::poll(&item, 1, std::chrono::milliseconds(50)) == 0) continue;
    std::vector<zmq::message_t> request;
    do {
      request.emplace_back();
      if (!zap_->recv(request.back(), zmq::recv_flags::none)) return;
    } while (request.back().more());
    bool allowed = false;
    if (request.size() >= 7 && ToString(request[5]) == "CURVE" && request[6].size() == 32) {
      char z85[41];
      zmq_z85_encode(z85, request[6].data<uint8_t>(), 32);
      for (const std::string& key : config_.allowed_client_keys) allowed |= key == z85;
    }
    const std::string id = request.size() > 1 ? ToString(request[1]) : "";
    const std::vector<std::string> reply = {
        "1.0", id, allowed ? "200" : "400", allowed ? "OK" : "client key not allowed", "", ""};
    for (size_t i = 0; i < reply.size(); ++i) {
      zap_->send(zmq::buffer(reply[i]),
                 i + 1 < reply.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    }
  }
}

std::string ArmServer::endpoint() const { return socket_->get(zmq::sockopt::last_endpoint); }

bool ArmServer::ServeOne(int timeout_ms) {
  zmq::pollitem_t item{socket_->handle(), 0, ZMQ_POLLIN, 0};
  if (zmq::poll(&item, 1, std::chrono::milliseconds(timeout_ms)) == 0) return false;
  zmq::message_t request;
  if (!socket_->recv(request, zmq::recv_flags::none)) return false;
  std::vector<uint8_t> reply;
  try {
    const ArmCommand command = DecodeArmCommand(request.data<uint8_t>(), request.size());
    ArmState state = handler_(command);
    state.sequence = command.sequence;
    reply = EncodeArmState(state);
  } catch (const ProtocolError&) {
    ++rejected_;
  }
  socket_->send(zmq::buffer(reply), zmq::send_flags::none);
  return true;
}

}  // namespace immimic::sim2real
