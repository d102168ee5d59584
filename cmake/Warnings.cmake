# pagewise_warnings(target): the project's warning set. Errors in CI (PAGEWISE_WERROR=ON).
# No -march=native anywhere: packaged builds must run on any x86-64; faster instruction sets
# are chosen at run time per kernel (see engine/quant).
function(pagewise_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(PAGEWISE_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # Under -fsanitize GCC's flow analysis reports -Wmaybe-uninitialized inside libstdc++
    # (std::regex's std::function state, seen in CI); GCC's manual warns of such false
    # positives with sanitizers. The normal build keeps the warning, so real cases still fail.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
  if(PAGEWISE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
