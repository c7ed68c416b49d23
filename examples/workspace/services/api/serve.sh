cat /greeting
