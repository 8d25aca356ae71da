// Flip feasibility, physics only: can a spatula blade slide under the donut on its plate and
// pivot it over? The real donut and plate (assets/objects/donut.xml, flip_plate.xml) on a
// table plane, with a kinematic blade (a mocap box, so no grasp compliance: this bounds what a
// held spatula can do). The blade lies on the plate behind the donut (its tip 1.5 cm from the
// tube), slides `slide` m forward along +y, then turns about its tip line (handle end up) to
// `tilt` degrees while moving `push` m forward and `lift` m up. Prints, per donut yaw, whether it
// went onto the blade and whether it ended upside down (icing axis > 150 deg from up), and how far
// it moved. Build and run (from the repository root):
//   g++ -O2 -o /tmp/flip_feasibility scripts/flip_feasibility.cc -lmujoco
//   /tmp/flip_feasibility HALF_THICKNESS BLADE_FRICTION PRIORITY SLIDE TILT_DEG PUSH LIFT
#include <mujoco/mujoco.h>

#include <unistd.h>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr,
                 "usage: %s HALF_THICKNESS BLADE_FRICTION PRIORITY SLIDE TILT_DEG PUSH LIFT\n",
                 argv[0]);
    return 2;
  }
  const double half_t = std::atof(argv[1]), mu = std::atof(argv[2]);
  const int priority = std::atoi(argv[3]);
  const double slide = std::atof(argv[4]), tilt = std::atof(argv[5]) * M_PI / 180;
  const double push = std::atof(argv[6]), lift = std::atof(argv[7]);
  const char* root = std::getenv("PWD");
  const double plate_top = 0.756;
  const double y0 = -0.035 - 0.015 - 0.04;  // blade centre: tip 1.5 cm behind the tube
  char xml[4000];
  std::snprintf(xml, sizeof xml,
                "<mujoco><option timestep=\"0.002\" integrator=\"Euler\" cone=\"elliptic\" "
                "impratio=\"10\"/>"
                "<include file=\"..%s/assets/objects/donut.xml\"/>"
                "<include file=\"..%s/assets/objects/flip_plate.xml\"/>"
                "<worldbody><geom type=\"plane\" size=\"1 1 0.1\" pos=\"0 0 0.75\"/>"
                "<body name=\"blade\" mocap=\"true\" pos=\"0 %f %f\"><geom type=\"box\" "
                "size=\"0.03 0.04 %f\" priority=\"%d\" friction=\"%f 0.005 0.0001\" "
                "condim=\"4\"/></body></worldbody></mujoco>",
                root, root, y0, plate_top + half_t, half_t, priority, mu);
  const std::string path = "/tmp/flip_feasibility_" + std::to_string(getpid()) + ".xml";
  FILE* f = std::fopen(path.c_str(), "w");
  std::fputs(xml, f);
  std::fclose(f);
  char error[1000];
  mjModel* m = mj_loadXML(path.c_str(), nullptr, error, sizeof error);
  std::remove(path.c_str());
  if (!m) {
    std::fprintf(stderr, "%s\n", error);
    return 1;
  }
  mjData* d = mj_makeData(m);
  const int donut = mj_name2id(m, mjOBJ_BODY, "donut");
  const int qadr = m->jnt_qposadr[m->body_jntadr[donut]];
  const int blade_mocap = m->body_mocapid[mj_name2id(m, mjOBJ_BODY, "blade")];
  const int plate_mocap = m->body_mocapid[mj_name2id(m, mjOBJ_BODY, "flip_plate")];
  int under = 0, flipped = 0, n = 0;
  double moved_sum = 0;
  for (int k = 0; k < 12; ++k, ++n) {  // donut yaw in 3.75 degree steps over its 45 degree period
    mj_resetData(m, d);
    const double yaw = k * M_PI / 4 / 12;
    d->mocap_pos[3 * plate_mocap] = 0;
    d->mocap_pos[3 * plate_mocap + 1] = 0;
    d->mocap_pos[3 * plate_mocap + 2] = 0.75;
    d->qpos[qadr] = 0;
    d->qpos[qadr + 1] = 0;
    d->qpos[qadr + 2] = plate_top + 0.009;
    d->qpos[qadr + 3] = std::cos(yaw / 2);
    d->qpos[qadr + 4] = d->qpos[qadr + 5] = 0;
    d->qpos[qadr + 6] = std::sin(yaw / 2);
    double* bp = d->mocap_pos + 3 * blade_mocap;
    double* bq = d->mocap_quat + 4 * blade_mocap;
    bp[0] = 0, bp[1] = y0, bp[2] = plate_top + half_t;
    for (int i = 0; i < 250; ++i) mj_step(m, d);
    const int n1 = 500, n2 = 1000;
    for (int i = 1; i <= n1; ++i) {
      bp[1] = y0 + slide * i / n1;
      mj_step(m, d);
    }
    const bool on_blade = d->xpos[3 * donut + 2] > plate_top + 0.009 + half_t;
    const double tip = y0 + slide + 0.04;
    for (int i = 1; i <= n2; ++i) {  // rotate about the tip line: the handle end goes up
      double s = static_cast<double>(i) / n2;
      s = s * s * s * (10 - 15 * s + 6 * s * s);
      const double b = -tilt * s;
      bp[1] = tip + push * s - 0.04 * std::cos(b) - half_t * std::sin(b);
      bp[2] = plate_top + lift * s - 0.04 * std::sin(b) + half_t * std::cos(b);
      bq[0] = std::cos(b / 2), bq[1] = std::sin(b / 2), bq[2] = bq[3] = 0;
      mj_step(m, d);
    }
    for (int i = 0; i < 1000; ++i) {  // lift the blade away, let the donut settle
      bp[2] += 0.0002;
      mj_step(m, d);
    }
    const bool upside_down = d->xmat[9 * donut + 8] <= std::cos(150 * M_PI / 180);
    const double moved = std::hypot(d->xpos[3 * donut], d->xpos[3 * donut + 1]);
    under += on_blade;
    flipped += upside_down;
    moved_sum += moved;
    std::printf("yaw %5.2f deg: on blade %d, upside down %d, moved %.3f m\n", yaw * 180 / M_PI,
                on_blade, upside_down, moved);
  }
  std::printf("on blade %d/%d, upside down %d/%d, mean move %.3f m\n", under, n, flipped, n,
              moved_sum / n);
  mj_deleteData(d);
  mj_deleteModel(m);
  return 0;
}
