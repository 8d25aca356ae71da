#include "envs/viewer.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "core/error.h"
#include "core/rotation.h"
#include "envs/image.h"

namespace immimic::envs {
namespace {

constexpr double kMoveStep = 0.01;  // m per key press

const std::map<std::string, int>& KeyCodes() {
  static const std::map<std::string, int> kCodes = {{"Space", GLFW_KEY_SPACE},
                                                    {"Backspace", GLFW_KEY_BACKSPACE},
                                                    {"Tab", GLFW_KEY_TAB},
                                                    {"Up", GLFW_KEY_UP},
                                                    {"Down", GLFW_KEY_DOWN},
                                                    {"Left", GLFW_KEY_LEFT},
                                                    {"Right", GLFW_KEY_RIGHT},
                                                    {"PageUp", GLFW_KEY_PAGE_UP},
                                                    {"PageDown", GLFW_KEY_PAGE_DOWN},
                                                    {"G", GLFW_KEY_G},
                                                    {"O", GLFW_KEY_O},
                                                    {"Escape", GLFW_KEY_ESCAPE}};
  return kCodes;
}

// Everything the GLFW callbacks touch.
struct ViewerState {
  Env* env = nullptr;
  uint64_t seed = 0;
  bool paused = false;
  bool quit = false;
  int camera = 0;  // 0 free, 1 agentview, 2 wrist
  Eigen::VectorXd action;
  bool left_down = false, right_down = false;
  double last_x = 0, last_y = 0;
  mjvCamera free_camera;
  mjvScene scene;
  ViewerSummary summary;
};

const char* CameraName(int camera) {
  static const char* kNames[] = {"free", "agentview", "wrist"};
  return kNames[camera];
}

void Reset(ViewerState& s) {
  s.env->Reset(++s.seed);
  s.action = s.env->HoldAction(s.env->embodiment().OpenHand());
  ++s.summary.resets;
}

void PressKey(ViewerState& s, int key) {
  const EmbodimentSpec& spec = s.env->embodiment();
  switch (key) {
    case GLFW_KEY_SPACE:
      s.paused = !s.paused;
      break;
    case GLFW_KEY_BACKSPACE:
      Reset(s);
      break;
    case GLFW_KEY_TAB:
      s.camera = (s.camera + 1) % 3;
      if (s.camera == 2 && s.env->wrist_camera() < 0) s.camera = 0;
      break;
    case GLFW_KEY_UP:
      s.action[0] -= kMoveStep;
      break;  // away from the agentview camera
    case GLFW_KEY_DOWN:
      s.action[0] += kMoveStep;
      break;
    case GLFW_KEY_LEFT:
      s.action[1] -= kMoveStep;
      break;
    case GLFW_KEY_RIGHT:
      s.action[1] += kMoveStep;
      break;
    case GLFW_KEY_PAGE_UP:
      s.action[2] += kMoveStep;
      break;
    case GLFW_KEY_PAGE_DOWN:
      s.action[2] -= kMoveStep;
      break;
    case GLFW_KEY_G:
      s.action.tail(spec.hand_dim()) = spec.ClosedHand();
      break;
    case GLFW_KEY_O:
      s.action.tail(spec.hand_dim()) = spec.OpenHand();
      break;
    case GLFW_KEY_ESCAPE:
      s.quit = true;
      break;
    default:
      break;
  }
}

ViewerState* StateOf(GLFWwindow* window) {
  return static_cast<ViewerState*>(glfwGetWindowUserPointer(window));
}

void OnKey(GLFWwindow* window, int key, int, int action, int) {
  if (action == GLFW_PRESS || action == GLFW_REPEAT) PressKey(*StateOf(window), key);
}

void OnButton(GLFWwindow* window, int button, int action, int) {
  ViewerState& s = *StateOf(window);
  const bool down = action == GLFW_PRESS;
  if (button == GLFW_MOUSE_BUTTON_LEFT) s.left_down = down;
  if (button == GLFW_MOUSE_BUTTON_RIGHT) s.right_down = down;
  glfwGetCursorPos(window, &s.last_x, &s.last_y);
}

void OnMove(GLFWwindow* window, double x, double y) {
  ViewerState& s = *StateOf(window);
  if (!s.left_down && !s.right_down) return;
  int width = 1, height = 1;
  glfwGetWindowSize(window, &width, &height);
  const double dx = (x - s.last_x) / height, dy = (y - s.last_y) / height;
  s.last_x = x;
  s.last_y = y;
  const mjtMouse motion = s.left_down ? mjMOUSE_ROTATE_V : mjMOUSE_MOVE_V;
  mjv_moveCamera(s.env->model(), motion, dx, dy, &s.scene, &s.free_camera);
}

void OnScroll(GLFWwindow* window, double, double dy) {
  ViewerState& s = *StateOf(window);
  mjv_moveCamera(s.env->model(), mjMOUSE_ZOOM, 0, -0.05 * dy, &s.scene, &s.free_camera);
}

}  // namespace

const std::vector<std::string>& ViewerKeyNames() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& [name, code] : KeyCodes()) names.push_back(name);
    return names;
  }();
  return kNames;
}

ViewerSummary RunViewer(Env& env, const ViewerOptions& options) {
  for (const std::string& key : options.keys) {
    IMMIMIC_THROW_UNLESS(KeyCodes().count(key) > 0, core::InputError, "unknown key '", key, "'");
  }
  IMMIMIC_THROW_UNLESS(options.screenshot.empty() || options.frames > 0, core::InputError,
                       "--screenshot needs --frames");
  IMMIMIC_THROW_UNLESS(glfwInit() == GLFW_TRUE, core::Error,
                       "cannot open a window: no display (run under xvfb-run for headless use)");
  glfwWindowHint(GLFW_SAMPLES, 4);
  GLFWwindow* window =
      glfwCreateWindow(options.width, options.height, "ImMimic Bench", nullptr, nullptr);
  if (window == nullptr) {
    glfwTerminate();
    throw core::Error("cannot create a GLFW window");
  }
  glfwMakeContextCurrent(window);
  glfwSwapInterval(1);

  ViewerState s;
  s.env = &env;
  s.seed = options.seed;
  s.summary.resets = -1;  // the first reset is not the user's
  s.seed = options.seed - 1;
  Reset(s);
  mjv_defaultCamera(&s.free_camera);
  mjv_defaultFreeCamera(env.model(), &s.free_camera);
  s.free_camera.lookat[0] = 0.5;
  s.free_camera.lookat[2] = 0.85;
  s.free_camera.distance = 1.6;
  s.free_camera.azimuth = 150;
  s.free_camera.elevation = -25;
  mjvOption option;
  mjv_defaultOption(&option);
  mjv_defaultScene(&s.scene);
  mjv_makeScene(env.model(), &s.scene, 4000);
  mjrContext context;
  mjr_defaultContext(&context);
  mjr_makeContext(env.model(), &context, mjFONTSCALE_150);
  glfwSetWindowUserPointer(window, &s);
  glfwSetKeyCallback(window, OnKey);
  glfwSetMouseButtonCallback(window, OnButton);
  glfwSetCursorPosCallback(window, OnMove);
  glfwSetScrollCallback(window, OnScroll);

  const double period = 1.0 / env.config().control_hz;
  double next_step = glfwGetTime();
  size_t scripted = 0;
  std::vector<uint8_t> rgb;
  while (!glfwWindowShouldClose(window) && !s.quit) {
    if (scripted < options.keys.size()) PressKey(s, KeyCodes().at(options.keys[scripted++]));
    // scripted runs step once per frame; interactive runs follow the wall clock
    const bool step_now = options.frames > 0 || glfwGetTime() >= next_step;
    if (!s.paused && step_now) {
      const StepResult& r = env.Step(s.action);
      ++s.summary.steps;
      next_step += period;
      if (r.truncated) Reset(s);
    }
    mjrRect viewport = {0, 0, 0, 0};
    glfwGetFramebufferSize(window, &viewport.width, &viewport.height);
    mjvCamera fixed;
    mjv_defaultCamera(&fixed);
    fixed.type = mjCAMERA_FIXED;
    fixed.fixedcamid = s.camera == 1 ? env.agentview_camera() : env.wrist_camera();
    mjv_updateScene(env.model(), env.mutable_data(), &option, nullptr,
                    s.camera == 0 ? &s.free_camera : &fixed, mjCAT_ALL, &s.scene);
    mjr_render(viewport, &s.scene, &context);
    const std::string status = std::string(CameraName(s.camera)) + (s.paused ? "  PAUSED" : "") +
                               "\nt " + std::to_string(env.data()->time);
    mjr_overlay(mjFONT_NORMAL, mjGRID_TOPLEFT, viewport,
                "Space pause  Bksp reset  Tab camera\nArrows/PgUp/PgDn move  G close  O open",
                status.c_str(), &context);
    ++s.summary.frames;
    if (options.frames > 0 && s.summary.frames >= options.frames) {
      if (!options.screenshot.empty()) {
        rgb.resize(static_cast<size_t>(viewport.width) * viewport.height * 3);
        mjr_readPixels(rgb.data(), nullptr, viewport, &context);
        Image image;
        image.Resize(viewport.width, viewport.height);
        const size_t row = static_cast<size_t>(viewport.width) * 3;
        for (int y = 0; y < viewport.height; ++y) {
          std::memcpy(image.pixels.data() + y * row, rgb.data() + (viewport.height - 1 - y) * row,
                      row);
        }
        WritePng(image, options.screenshot);
      }
      break;
    }
    glfwSwapBuffers(window);
    glfwPollEvents();
  }
  s.summary.camera = CameraName(s.camera);
  s.summary.last_action = s.action;
  s.summary.proprio = env.data() ? env.RefreshObservation().proprio : Eigen::VectorXd();
  mjr_freeContext(&context);
  mjv_freeScene(&s.scene);
  glfwDestroyWindow(window);
  glfwTerminate();
  return s.summary;
}

}  // namespace immimic::envs
