# Writes harbour.1.gz with help2man from the built binary (cmake -P; run when the package is
# installed into CPack's staging folder, see deploy/package/install.cmake).
#   -DHARBOUR=path/to/harbour -DHELP2MAN=path/to/help2man -DINCLUDE=deploy/package/harbour.h2m
#   -DWORK=folder -DOUT=folder/harbour.1.gz
# `harbour --help` lists the commands but not their options, so two more sections are generated
# from the binary itself and handed to help2man as a second include file: COMMANDS (each
# command's own --help, without the options every command shares) and CONFIGURATION (every key of
# `harbour config`, so a key added to the server appears here without editing this file).
cmake_minimum_required(VERSION 3.25)
foreach(var HARBOUR HELP2MAN INCLUDE WORK OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "man_page.cmake: -D${var}=... is missing")
  endif()
endforeach()

# The program runs as plain `harbour` from PATH, so its usage lines name `harbour`, not a path
# inside the build tree.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/bin")
file(CREATE_LINK "${HARBOUR}" "${WORK}/bin/harbour" SYMBOLIC)
set(path "${WORK}/bin:$ENV{PATH}")

function(run_harbour out_var)
  execute_process(COMMAND ${CMAKE_COMMAND} -E env "PATH=${path}" harbour ${ARGN}
                  OUTPUT_VARIABLE out RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "man_page.cmake: `harbour ${ARGN}` failed (${rc}): ${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

# roff: a backslash is \e, a minus sign \- (a plain - is a hyphen), and a line must not start
# with a control character.
function(roff out_var text)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE "-" "\\-" text "${text}")
  if(text MATCHES "^[.']")
    set(text "\\&${text}")
  endif()
  set(${out_var} "${text}" PARENT_SCOPE)
endfunction()

# CLI11's help: an option line is "  NAME TYPE...   description", the description starting at
# column 30, or on the next line (indented to column 30) when the option itself is too long.
function(options_of out_var help_text skip_names)
  string(REPLACE ";" "@SC@" help_text "${help_text}")
  string(REPLACE "\n" ";" lines "${help_text}")
  set(result "")
  set(current "")
  set(in_options FALSE)
  foreach(line IN LISTS lines)
    if(line STREQUAL "Options:")
      set(in_options TRUE)
      continue()
    endif()
    if(NOT in_options)
      continue()
    endif()
    if(line MATCHES "^  -")
      string(LENGTH "${line}" len)
      set(desc "")
      set(opt "${line}")
      if(len GREATER 30)
        string(SUBSTRING "${line}" 28 2 gap)
        if(gap STREQUAL "  ")
          string(SUBSTRING "${line}" 0 30 opt)
          string(SUBSTRING "${line}" 30 -1 desc)
        endif()
      endif()
      string(STRIP "${opt}" opt)
      set(name "${opt}")
      set(args "")
      if(opt MATCHES "^([^ ]+) (.+)$")
        set(name "${CMAKE_MATCH_1}")
        set(args "${CMAKE_MATCH_2}")
      endif()
      list(FIND skip_names "${name}" skipped)
      if(skipped GREATER -1)
        set(current "")
        continue()
      endif()
      roff(name_r "${name}")
      roff(args_r "${args}")
      roff(desc_r "${desc}")
      set(current ".TP\n\\fB${name_r}\\fR")
      if(args)
        string(APPEND current " \\fI${args_r}\\fR")
      endif()
      string(APPEND result "${current}\n")
      if(desc_r)
        string(APPEND result "${desc_r}\n")
      endif()
    elseif(line MATCHES "^                              [^ ]" AND current)
      string(STRIP "${line}" more)
      roff(more_r "${more}")
      string(APPEND result "${more_r}\n")
    elseif(line STREQUAL "")
      set(in_options FALSE)
    endif()
  endforeach()
  set(${out_var} "${result}" PARENT_SCOPE)
endfunction()

# The options every command shares are documented once, in OPTIONS (from `harbour --help`).
run_harbour(root_help --help)
set(skip "-h,--help")
string(REPLACE "\n" ";" root_lines "${root_help}")
foreach(line IN LISTS root_lines)
  if(line MATCHES "^  (-[^ ]+)")
    list(APPEND skip "${CMAKE_MATCH_1}")
  endif()
endforeach()

set(sections "[COMMANDS]\n")
string(APPEND sections
  "Every command but \\fBconfig\\fR also takes the options above.\n")
foreach(command "serve" "migrate" "config" "invite create" "backup" "restore" "audit verify")
  string(REPLACE " " ";" args "${command}")
  run_harbour(help ${args} --help)
  string(REGEX MATCH "^[^\n]*" summary "${help}")
  roff(summary_r "${summary}")
  options_of(options_r "${help}" "${skip}")
  string(APPEND sections ".TP\n\\fBharbour ${command}\\fR")
  if(options_r)
    string(APPEND sections " [\\fIOPTIONS\\fR]")
  endif()
  string(APPEND sections "\n${summary_r}.\n")
  if(options_r)
    string(APPEND sections ".RS\n${options_r}.RE\n")
  endif()
endforeach()

# `harbour config` prints a Markdown table: | `key` | `ENV` | `default` or (empty) | meaning |
run_harbour(config_table config)
string(REPLACE ";" "@SC@" config_table "${config_table}")
string(REPLACE "\n" ";" rows "${config_table}")
string(APPEND sections "\n[CONFIGURATION]\n"
  "The keys of the configuration file (a key \\fIsection.name\\fR is \\fIname\\fR under\n"
  "\\fB[\\fIsection\\fB]\\fR), each with its environment variable and default.\n"
  "Durations are written like \\fB30s\\fR, \\fB12h\\fR or \\fB14d\\fR, sizes like \\fB64KiB\\fR.\n")
set(keys 0)
foreach(row IN LISTS rows)
  if(row MATCHES "^\\| `([^`]+)` \\| `([^`]+)` \\| ([^|]*) \\| (.*) \\|$")
    set(key "${CMAKE_MATCH_1}")
    set(env "${CMAKE_MATCH_2}")
    string(STRIP "${CMAKE_MATCH_3}" default)
    set(meaning "${CMAKE_MATCH_4}")
    string(REPLACE "`" "" default "${default}")
    string(REPLACE "`" "" meaning "${meaning}")
    foreach(part key env default meaning)
      roff(${part} "${${part}}")
    endforeach()
    string(APPEND sections ".TP\n\\fB${key}\\fR (\\fB${env}\\fR; default: \\fI${default}\\fR)\n${meaning}\n")
    math(EXPR keys "${keys} + 1")
  endif()
endforeach()
if(keys LESS 10)
  message(FATAL_ERROR "man_page.cmake: read only ${keys} keys from `harbour config`; has its table changed?")
endif()
# Semicolons were kept out of CMake's list splitting as @SC@.
string(REPLACE "@SC@" ";" sections "${sections}")
file(WRITE "${WORK}/generated.h2m" "${sections}")

execute_process(
  COMMAND ${CMAKE_COMMAND} -E env "PATH=${path}"
          "${HELP2MAN}" --no-info --section=1 --source=Harbour "--manual=Harbour manual"
          "--include=${INCLUDE}" "--include=${WORK}/generated.h2m" --output=${WORK}/harbour.1 harbour
  RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "man_page.cmake: help2man failed (${rc}): ${err}")
endif()
# gzip -n: no name or time stamp inside, so the same page gives the same bytes.
execute_process(COMMAND gzip -9 -n -c "${WORK}/harbour.1" OUTPUT_FILE "${OUT}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "man_page.cmake: gzip failed (${rc})")
endif()
message(STATUS "man page: ${OUT} (${keys} configuration keys)")
