-- nothing here
--[[ at
all ]]
