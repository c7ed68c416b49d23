module balaboba-bot

go 1.16

require (
	github.com/joho/godotenv v1.3.0 // indirect
	gopkg.in/tucnak/telebot.v2 v2.3.5 // indirect
)
