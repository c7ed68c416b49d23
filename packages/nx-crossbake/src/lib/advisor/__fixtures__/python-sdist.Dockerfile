FROM python:3.12-slim
WORKDIR /app
COPY requirements.txt .
RUN pip install --upgrade pip \
 && python3 -m pip install --no-cache-dir -r requirements.txt
COPY . .
CMD ["python", "-m", "app"]
