# Every dependency comes from Debian's packages (scripts/setup installs them).
find_package(mujoco REQUIRED)        # needs libqhull-dev for its imported target
find_package(Eigen3 3.3 REQUIRED NO_MODULE)
find_package(yaml-cpp REQUIRED)      # target `yaml-cpp` (no namespace in 0.7)
find_package(tinyxml2 REQUIRED)
find_package(glfw3 3.3 REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(CLI11 REQUIRED)
find_package(HDF5 REQUIRED COMPONENTS C)   # datasets: robomimic-layout HDF5 files
find_package(Threads REQUIRED)
if(IMMIMIC_WITH_TORCH)
  find_package(Torch REQUIRED)      # agents/: LibTorch 1.13 CPU (libtorch-dev), target `torch`
endif()
find_library(IMMIMIC_EGL_LIBRARY EGL REQUIRED)
find_library(IMMIMIC_OSMESA_LIBRARY OSMesa REQUIRED)
find_path(IMMIMIC_STB_INCLUDE_DIR stb_image_write.h PATH_SUFFIXES stb REQUIRED)
