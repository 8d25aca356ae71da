# Runs cmake/check_torch_boundary.cmake on small trees: one that keeps LibTorch inside agents/
# passes; one where cli/ includes a header that includes a torch-typed one fails, naming the file.
cmake_minimum_required(VERSION 3.20)

function(run_checker tree result_var output_var)
  execute_process(COMMAND ${CMAKE_COMMAND} -DROOT=${tree} -P ${CHECKER}
                  RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${result_var} ${result} PARENT_SCOPE)
  set(${output_var} "${out}${err}" PARENT_SCOPE)
endfunction()

set(tree ${WORK}/torch_boundary_tree)
file(REMOVE_RECURSE ${tree})
file(WRITE ${tree}/agents/net.h "#pragma once\n#include <torch/torch.h>\n")
file(WRITE ${tree}/agents/wrapper.h "#pragma once\n#include \"agents/net.h\"\n")
file(WRITE ${tree}/agents/policy.h "#pragma once\n#include <vector>\n")
file(WRITE ${tree}/agents/net.cc "#include \"agents/net.h\"\n")
file(WRITE ${tree}/tests/agents/net_test.cc "#include \"agents/net.h\"\n")
file(WRITE ${tree}/cli/eval.cc "#include \"agents/policy.h\"\n")

run_checker(${tree} result output)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "a tree within the boundary was rejected:\n${output}")
endif()

file(WRITE ${tree}/cli/train.cc "#include \"agents/wrapper.h\"\n")
file(WRITE ${tree}/suite/runner.cc "#include <ATen/ATen.h>\n")
run_checker(${tree} result output)
if(result EQUAL 0)
  message(FATAL_ERROR "a tree that includes torch in cli/ and suite/ passed:\n${output}")
endif()
foreach(expected "cli/train.cc" "suite/runner.cc" "torch-typed")
  string(FIND "${output}" "${expected}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the error does not name '${expected}':\n${output}")
  endif()
endforeach()
message(STATUS "torch boundary checker: accepts the clean tree, rejects both violations")
