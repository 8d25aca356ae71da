#pragma once
// A Robotiq 2F-85 behind a Modbus TCP server on loopback (libmodbus's server side): the command
// registers at 0x03E8 and the status registers at 0x07D0 of the gripper's register map, the
// behaviour of RobotiqModel, and faults on demand (a Modbus exception, silence).
#include <modbus/modbus.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>

#include "tests/sim2real/robotiq_model.h"

namespace immimic::sim2real::testing {

class FakeRobotiqTcp {
 public:
  FakeRobotiqTcp()
      : context_(modbus_new_tcp("127.0.0.1", 0)),
        map_(modbus_mapping_new_start_address(0, 0, 0, 0, kRobotiqCommandRegister, 3,
                                              kRobotiqStatusRegister, 3)) {
    listener_ = modbus_tcp_listen(context_, 1);
    sockaddr_in address{};
    socklen_t size = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &size);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeRobotiqTcp() {
    stop_ = true;
    thread_.join();
    if (listener_ >= 0) close(listener_);
    modbus_mapping_free(map_);
    modbus_close(context_);
    modbus_free(context_);
  }
  int port() const { return port_; }

  std::atomic<bool> silent{false}, exception_next{false};
  std::atomic<int> activation_polls{3};
  // Hardware in the loop (tests/sim2real/hil_test.cc): each command also goes to `on_command`,
  // and `measured_position` replaces the status's gPO. Set before the first request.
  std::function<void(const RobotiqCommand&)> on_command;
  std::function<uint8_t()> measured_position;

 private:
  static bool Readable(int socket) {
    pollfd p{socket, POLLIN, 0};
    return poll(&p, 1, 20) > 0;
  }

  void Serve() {
    int client = -1;
    while (!stop_ && client < 0) {
      if (Readable(listener_)) client = modbus_tcp_accept(context_, &listener_);
    }
    uint8_t query[MODBUS_TCP_MAX_ADU_LENGTH];
    while (!stop_) {
      if (!Readable(client)) continue;
      const int size = modbus_receive(context_, query);
      if (size <= 0) break;  // the client went away
      Answer(query, size);
    }
  }

  void Answer(const uint8_t* query, int size) {
    if (silent) return;
    const int header = modbus_get_header_length(context_);
    if (exception_next.exchange(false)) {
      modbus_reply_exception(context_, query, MODBUS_EXCEPTION_ILLEGAL_DATA_ADDRESS);
      return;
    }
    const uint8_t function = query[header];
    if (function == MODBUS_FC_READ_INPUT_REGISTERS) {
      RobotiqStatus polled = model_.Poll();
      if (measured_position) polled.position = measured_position();
      const std::array<uint16_t, 3> status = RobotiqStatusRegisters(polled);
      std::copy(status.begin(), status.end(), map_->tab_input_registers);
    }
    modbus_reply(context_, query, size, map_);
    if (function == MODBUS_FC_WRITE_MULTIPLE_REGISTERS) {
      const RobotiqCommand command = RobotiqCommandFromRegisters(map_->tab_registers);
      model_.Apply(command, activation_polls);
      if (on_command) on_command(command);
    }
  }

  modbus_t* context_;
  modbus_mapping_t* map_;
  int listener_ = -1;
  int port_ = 0;
  RobotiqModel model_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace immimic::sim2real::testing
