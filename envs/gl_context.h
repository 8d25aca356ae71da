#pragma once
// A headless OpenGL context for offscreen rendering, made current on the calling thread.
// Backend: EGL (surfaceless or device platform) by default, OSMesa as fallback; the
// environment variable IMMIMIC_GL=egl|osmesa forces one. The backend library is loaded with
// dlopen so only one GL provider is ever in the process (MuJoCo's loader picks whichever it finds).

#include <string>

namespace immimic::envs {

// Creates the thread's context on first use and makes it current. Throws core::Error with the
// reasons each backend failed.
void MakeHeadlessGlContextCurrent();
// "egl" or "osmesa" once a context exists, else "".
std::string HeadlessGlBackend();

}  // namespace immimic::envs
