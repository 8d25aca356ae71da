# Shared compile settings for every project target.
function(immimic_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()

# Where assets/ and configs/ live when no IMMIMIC_ROOT is set at run time.
set(IMMIMIC_SOURCE_ROOT ${PROJECT_SOURCE_DIR} CACHE INTERNAL "")
