# tollgate_embed_templates(target FILES a b ...): compiles the template files into the binary so the
# installed tool needs no data directory. Generated at configure time; editing a template re-runs
# the configure step (CMAKE_CONFIGURE_DEPENDS).
function(tollgate_embed_templates target)
  cmake_parse_arguments(ARG "" "" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_templates.cpp)
  set(OUT ${out})
  set(BASE ${CMAKE_CURRENT_SOURCE_DIR})
  set(FILES ${ARG_FILES})
  include(${PROJECT_SOURCE_DIR}/cmake/GenerateEmbedded.cmake)
  foreach(f IN LISTS ARG_FILES)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${f})
  endforeach()
  target_sources(${target} PRIVATE ${out})
endfunction()
