# PAGEWISE_SANITIZE=ON builds everything with ASan + UBSan (one test job in scripts/test uses it).
# (Warnings.cmake turns off GCC's -Wmaybe-uninitialized in this build: see there.)
if(PAGEWISE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
