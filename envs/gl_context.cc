#include "envs/gl_context.h"

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <GL/osmesa.h>
#include <dlfcn.h>

#include <cstdlib>
#include <memory>
#include <vector>

#include "core/error.h"

namespace immimic::envs {
namespace {

#ifndef EGL_PLATFORM_SURFACELESS_MESA
#define EGL_PLATFORM_SURFACELESS_MESA 0x31DD
#endif

class HeadlessContext {
 public:
  virtual ~HeadlessContext() = default;
  virtual void MakeCurrent() = 0;
  virtual std::string backend() const = 0;
};

void* OpenLibrary(const char* const* names, std::string* error) {
  for (const char* const* name = names; *name != nullptr; ++name) {
    if (void* handle = dlopen(*name, RTLD_NOW | RTLD_GLOBAL)) return handle;
  }
  *error = dlerror() ? dlerror() : "not found";
  return nullptr;
}

template <typename Fn>
Fn Symbol(void* library, const char* name) {
  void* symbol = dlsym(library, name);
  IMMIMIC_THROW_UNLESS(symbol != nullptr, core::Error, "missing symbol ", name);
  return reinterpret_cast<Fn>(symbol);
}

class EglContext : public HeadlessContext {
 public:
  EglContext() {
    static const char* const kNames[] = {"libEGL.so.1", "libEGL.so", nullptr};
    std::string error;
    void* lib = OpenLibrary(kNames, &error);
    IMMIMIC_THROW_UNLESS(lib != nullptr, core::Error, "cannot load libEGL: ", error);
    get_proc_ = Symbol<decltype(&eglGetProcAddress)>(lib, "eglGetProcAddress");
    initialize_ = Symbol<decltype(&eglInitialize)>(lib, "eglInitialize");
    choose_config_ = Symbol<decltype(&eglChooseConfig)>(lib, "eglChooseConfig");
    bind_api_ = Symbol<decltype(&eglBindAPI)>(lib, "eglBindAPI");
    create_context_ = Symbol<decltype(&eglCreateContext)>(lib, "eglCreateContext");
    make_current_ = Symbol<decltype(&eglMakeCurrent)>(lib, "eglMakeCurrent");
    auto get_platform_display =
        reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(get_proc_("eglGetPlatformDisplayEXT"));
    IMMIMIC_THROW_UNLESS(get_platform_display != nullptr, core::Error,
                         "EGL lacks eglGetPlatformDisplayEXT");

    // the surfaceless platform needs no X server and no GPU; then try each device
    std::vector<EGLDisplay> candidates;
    candidates.push_back(
        get_platform_display(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr));
    auto query_devices =
        reinterpret_cast<PFNEGLQUERYDEVICESEXTPROC>(get_proc_("eglQueryDevicesEXT"));
    if (query_devices != nullptr) {
      EGLDeviceEXT devices[8];
      EGLint count = 0;
      if (query_devices(8, devices, &count)) {
        for (EGLint i = 0; i < count; ++i) {
          candidates.push_back(get_platform_display(EGL_PLATFORM_DEVICE_EXT, devices[i], nullptr));
        }
      }
    }
    for (EGLDisplay display : candidates) {
      if (display != EGL_NO_DISPLAY && TryDisplay(display)) return;
    }
    throw core::Error("EGL: no display could make an OpenGL context");
  }

  void MakeCurrent() override {
    IMMIMIC_THROW_UNLESS(make_current_(display_, EGL_NO_SURFACE, EGL_NO_SURFACE, context_),
                         core::Error, "eglMakeCurrent failed");
  }
  std::string backend() const override { return "egl"; }

 private:
  bool TryDisplay(EGLDisplay display) {
    EGLint major = 0, minor = 0;
    if (!initialize_(display, &major, &minor)) return false;
    // no window surfaces without a display server: ask for pbuffer-capable configs, or any
    EGLConfig config;
    EGLint configs = 0;
    for (EGLint surface_type : {EGL_PBUFFER_BIT, EGL_DONT_CARE}) {
      const EGLint attributes[] = {EGL_SURFACE_TYPE,
                                   surface_type,
                                   EGL_RED_SIZE,
                                   8,
                                   EGL_GREEN_SIZE,
                                   8,
                                   EGL_BLUE_SIZE,
                                   8,
                                   EGL_DEPTH_SIZE,
                                   24,
                                   EGL_RENDERABLE_TYPE,
                                   EGL_OPENGL_BIT,
                                   EGL_NONE};
      if (choose_config_(display, attributes, &config, 1, &configs) && configs > 0) break;
    }
    if (configs < 1) return false;
    if (!bind_api_(EGL_OPENGL_API)) return false;
    EGLContext context = create_context_(display, config, EGL_NO_CONTEXT, nullptr);
    if (context == EGL_NO_CONTEXT) return false;
    if (!make_current_(display, EGL_NO_SURFACE, EGL_NO_SURFACE, context)) return false;
    display_ = display;
    context_ = context;
    return true;
  }

  decltype(&eglGetProcAddress) get_proc_;
  decltype(&eglInitialize) initialize_;
  decltype(&eglChooseConfig) choose_config_;
  decltype(&eglBindAPI) bind_api_;
  decltype(&eglCreateContext) create_context_;
  decltype(&eglMakeCurrent) make_current_;
  EGLDisplay display_ = EGL_NO_DISPLAY;
  EGLContext context_ = EGL_NO_CONTEXT;
};

class OsMesaContext : public HeadlessContext {
 public:
  OsMesaContext() : buffer_(kSize * kSize * 4) {
    static const char* const kNames[] = {"libOSMesa.so.8", "libOSMesa.so.6", "libOSMesa.so",
                                         nullptr};
    std::string error;
    void* lib = OpenLibrary(kNames, &error);
    IMMIMIC_THROW_UNLESS(lib != nullptr, core::Error, "cannot load libOSMesa: ", error);
    auto create = Symbol<decltype(&OSMesaCreateContextAttribs)>(lib, "OSMesaCreateContextAttribs");
    make_current_ = Symbol<decltype(&OSMesaMakeCurrent)>(lib, "OSMesaMakeCurrent");
    const int attributes[] = {OSMESA_FORMAT,
                              OSMESA_RGBA,
                              OSMESA_DEPTH_BITS,
                              24,
                              OSMESA_PROFILE,
                              OSMESA_COMPAT_PROFILE,
                              OSMESA_CONTEXT_MAJOR_VERSION,
                              2,
                              0};
    context_ = create(attributes, nullptr);
    IMMIMIC_THROW_UNLESS(context_ != nullptr, core::Error, "OSMesaCreateContextAttribs failed");
    MakeCurrent();
  }
  void MakeCurrent() override {
    // MuJoCo renders into its own framebuffer object; this buffer only satisfies OSMesa
    IMMIMIC_THROW_UNLESS(make_current_(context_, buffer_.data(), GL_UNSIGNED_BYTE, kSize, kSize),
                         core::Error, "OSMesaMakeCurrent failed");
  }
  std::string backend() const override { return "osmesa"; }

 private:
  static constexpr int kSize = 64;
  std::vector<unsigned char> buffer_;
  decltype(&OSMesaMakeCurrent) make_current_;
  OSMesaContext context_ = nullptr;
};

std::unique_ptr<HeadlessContext> CreateContext() {
  const char* forced = std::getenv("IMMIMIC_GL");
  const std::string choice = forced != nullptr ? forced : "";
  IMMIMIC_THROW_UNLESS(choice.empty() || choice == "egl" || choice == "osmesa", core::InputError,
                       "IMMIMIC_GL must be egl or osmesa, got '", choice, "'");
  if (choice == "osmesa") return std::make_unique<OsMesaContext>();
  if (choice == "egl") return std::make_unique<EglContext>();
  try {
    return std::make_unique<EglContext>();
  } catch (const core::Error& egl_error) {
    try {
      return std::make_unique<OsMesaContext>();
    } catch (const core::Error& osmesa_error) {
      throw core::Error(std::string("no headless OpenGL: ") + egl_error.what() + "; " +
                        osmesa_error.what());
    }
  }
}

thread_local std::unique_ptr<HeadlessContext> tls_context;

}  // namespace

void MakeHeadlessGlContextCurrent() {
  if (!tls_context) {
    tls_context = CreateContext();
  }
  tls_context->MakeCurrent();
}

std::string HeadlessGlBackend() { return tls_context ? tls_context->backend() : ""; }

}  // namespace immimic::envs
