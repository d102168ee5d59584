# pagewise_warnings(target): the project's warning set. Errors in CI (PAGEWISE_WERROR=ON).
# No -march=native anywhere: packaged builds must run on any x86-64; faster instruction sets
# are chosen at run time per kernel (see engine/quant).
function(pagewise_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
  if(PAGEWISE_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
