-- ok_held.lua again, with delay_reject = no (ok_held_no.conf).
return dofile((string.gsub(os.getenv("MT_LIB"), "lib%.lua$", "ok_held.lua")))
