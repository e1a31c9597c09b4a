// venue_client is an interface; this unit keeps its header self-contained and compiled.
#include "tradebot/exchange/venue_client.hpp"
