# tollgate_embed_templates(target NAMESPACE ns FILES a b ...):
# compiles the template files into the binary so the installed tool needs no data directory.
function(tollgate_embed_templates target)
  cmake_parse_arguments(ARG "" "" "FILES" ${ARGN})
  set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded_templates.cpp)
  set(inputs)
  foreach(f IN LISTS ARG_FILES)
    list(APPEND inputs ${CMAKE_CURRENT_SOURCE_DIR}/${f})
  endforeach()
  add_custom_command(OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DBASE=${CMAKE_CURRENT_SOURCE_DIR} "-DFILES=${ARG_FILES}"
            -P ${PROJECT_SOURCE_DIR}/cmake/GenerateEmbedded.cmake
    DEPENDS ${inputs} ${PROJECT_SOURCE_DIR}/cmake/GenerateEmbedded.cmake
    COMMENT "Embedding templates")
  target_sources(${target} PRIVATE ${out})
endfunction()
