// Offscreen rendering: both headless backends produce the same scene; cameras see what they
// should (the human scene has no robot arm in view).

#include <gtest/gtest.h>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "envs/env.h"
#include "envs/gl_context.h"

namespace immimic::envs {
namespace {

double MeanAbsoluteDifference(const Image& a, const Image& b) {
  double sum = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) sum += std::abs(a.pixels[i] - b.pixels[i]);
  return sum / a.pixels.size();
}

bool HasStructure(const Image& image) {
  int lo = 255, hi = 0;
  for (uint8_t p : image.pixels) {
    lo = std::min<int>(lo, p);
    hi = std::max<int>(hi, p);
  }
  return hi - lo > 100;
}

Image RenderAgentview(const std::string& embodiment) {
  EnvConfig config;
  config.embodiment = embodiment;
  config.image_width = 160;
  config.image_height = 120;
  Env env(config);
  return env.Reset(0).agentview;
}

TEST(Renderer, AgentviewAndWristImagesHaveContent) {
  EnvConfig config;
  config.embodiment = "robotiq";
  Env env(config);
  const Observation& obs = env.Reset(0);
  EXPECT_EQ(obs.agentview.width, 84);
  EXPECT_TRUE(HasStructure(obs.agentview));
  EXPECT_TRUE(HasStructure(obs.wrist));
}

TEST(Renderer, HumanSceneShowsNoArm) {
  const Image robot = RenderAgentview("robotiq");
  const Image human = RenderAgentview("human");
  EXPECT_GT(MeanAbsoluteDifference(robot, human), 2.0);
  // the Panda's links are near-white and grey-neutral; skin, wood and the red cube are not
  auto white_pixels = [](const Image& im) {
    int count = 0;
    for (size_t i = 0; i < im.pixels.size(); i += 3) {
      const int r = im.pixels[i], g = im.pixels[i + 1], b = im.pixels[i + 2];
      count += r > 190 && g > 190 && b > 190 && std::abs(r - b) < 12;
    }
    return count;
  };
  EXPECT_GT(white_pixels(robot), 15);
  EXPECT_EQ(white_pixels(human), 0);
}

// Each backend in its own process (a process holds one GL provider, see gl_context.h), through
// the CLI, so no GL state is ever forked.
TEST(Renderer, EglAndOsMesaRenderTheSameScene) {
  const std::string dir = ::testing::TempDir();
  for (const std::string backend : {"egl", "osmesa"}) {
    const std::string command = "IMMIMIC_GL=" + backend + " " + IMMIMIC_CLI +
                                " render --embodiment robotiq --width 64 --height 48 --out " + dir +
                                "/" + backend + ".png > " + dir + "/" + backend + ".json";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    std::ifstream summary(dir + "/" + backend + ".json");
    std::string line;
    std::getline(summary, line);
    EXPECT_NE(line.find("\"gl_backend\":\"" + backend + "\""), std::string::npos) << line;
  }
  std::ifstream egl(dir + "/egl.png", std::ios::binary),
      osmesa(dir + "/osmesa.png", std::ios::binary);
  const std::string a((std::istreambuf_iterator<char>(egl)), {});
  const std::string b((std::istreambuf_iterator<char>(osmesa)), {});
  EXPECT_GT(a.size(), 1000u);
  // same rasteriser underneath (Mesa llvmpipe here): the same pixels
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace immimic::envs
